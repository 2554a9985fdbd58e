import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalRunner } from '../../src/services/runner/localRunner.js';
import { childEnvironment, DEFAULT_PATH } from '../../src/services/runner/childEnvironment.js';

const me = os.userInfo();
const self = { name: me.username, uid: me.uid, gid: me.gid, home: me.homedir };

/** What a DBA's shell may hold when pgcockpit starts: none of it may reach a program pgcockpit runs. */
const STRAY = {
  PGPASSWORD: 'stray-secret',
  PGUSER: 'mallory',
  PGHOST: '192.0.2.1',
  PGPASSFILE: '/tmp/stray.pgpass',
  PGSERVICE: 'stray',
  PGSSLMODE: 'disable',
  PGCOCKPIT_STRAY_TOKEN: 'x',
  AWS_SECRET_ACCESS_KEY: 'y',
};

describe('the environment of programs the local runner starts', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [name, value] of Object.entries(STRAY)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const name of Object.keys(STRAY)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('holds only locale, PATH, the account and what the command names; no libpq variable passes through', async () => {
    const lines: string[] = [];
    const result = await new LocalRunner(self).run(
      { program: 'env', args: [], env: { PGPASSFILE: '/srv/named.pgpass', PGAPPNAME: 'pgcockpit' }, mutating: false },
      { onLine: (line) => lines.push(line.text) },
    );
    expect(result.exitCode).toBe(0);
    const env = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(env).not.toHaveProperty('PGPASSWORD');
    expect(env).not.toHaveProperty('PGUSER');
    expect(env).not.toHaveProperty('PGHOST');
    expect(env).not.toHaveProperty('PGSERVICE');
    expect(env).not.toHaveProperty('PGSSLMODE');
    expect(env).not.toHaveProperty('PGCOCKPIT_STRAY_TOKEN');
    expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    // What the command names wins.
    expect(env['PGPASSFILE']).toBe('/srv/named.pgpass');
    expect(env['PGAPPNAME']).toBe('pgcockpit');
    expect(env['HOME']).toBe(self.home);
    expect(env['USER']).toBe(self.name);
    expect(env['LOGNAME']).toBe(self.name);
    expect(env['PATH']).toBe(process.env.PATH);
  });
});

describe('childEnvironment', () => {
  it('keeps the locale and time zone, drops everything else, and falls back to a system PATH', () => {
    const env = childEnvironment({ name: 'postgres', home: '/var/lib/postgresql' }, { PGPASSFILE: '/p' }, {
      LANG: 'C.UTF-8',
      LC_MESSAGES: 'C',
      TZ: 'UTC',
      PGPASSWORD: 'x',
      PGDATA: '/elsewhere',
      SSH_AUTH_SOCK: '/tmp/agent',
      HOME: '/root',
    });
    expect(env).toEqual({
      LANG: 'C.UTF-8',
      LC_MESSAGES: 'C',
      TZ: 'UTC',
      PATH: DEFAULT_PATH,
      HOME: '/var/lib/postgresql',
      USER: 'postgres',
      LOGNAME: 'postgres',
      PGPASSFILE: '/p',
    });
  });
});

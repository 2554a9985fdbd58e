import { chmod, copyFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import type { OsUser } from '../../src/services/os/osUser.js';
import { serverOsUser } from '../../src/services/os/osUser.js';
import { withNodeClient } from '../../src/services/postgres/connectNode.js';
import { findPgBinDir } from '../../src/services/postgres/findPgBinDir.js';
import { createSandbox } from '../../src/services/sandbox/createSandbox.js';
import { destroySandbox } from '../../src/services/sandbox/destroySandbox.js';
import type { SandboxLayout } from '../../src/services/sandbox/sandboxLayout.js';
import { sandboxLayout } from '../../src/services/sandbox/sandboxLayout.js';

/** A DBA's shell: libpq variables meant for something else, and a secret that is nobody's business. */
const STRAY = {
  PGPASSWORD: 'stray-secret-4711',
  PGUSER: 'mallory',
  PGDATABASE: 'nowhere',
  PGSERVICE: 'stray-service',
  PGCOCKPIT_STRAY_TOKEN: 'stray-token',
};

/** The environment a process was started with, from /proc. */
async function environOf(pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter((entry) => entry !== '')
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

describe('a sandbox built while the DBA\'s shell holds PGPASSWORD and other libpq variables (real PostgreSQL)', () => {
  let layout: SandboxLayout;
  let osUser: OsUser;
  let pgBinDir: string;
  let config: CockpitConfig;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const [name, value] of Object.entries(STRAY)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    osUser = await serverOsUser();
    pgBinDir = await findPgBinDir();
    layout = sandboxLayout(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-stray-')));
    config = await createSandbox({ layout, nodeCount: 2, pgBinDir, osUser });
  });
  afterAll(async () => {
    for (const name of Object.keys(STRAY)) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    if (layout) await destroySandbox({ layout, pgBinDir, osUser, stopMode: 'immediate' });
  });

  it('is built and streams (the stray password is never used for a login)', async () => {
    const rows = await withNodeClient(config.nodes[0]!, config, async (client) =>
      (await client.query<{ application_name: string; state: string }>('select application_name, state from pg_stat_replication')).rows,
    );
    expect(rows).toEqual([{ application_name: 'pg2', state: 'streaming' }]);
  });

  it('no server started through the local runner (pg_ctl start) inherits pgcockpit\'s environment', async () => {
    for (const name of ['pg1', 'pg2']) {
      const pid = Number((await readFile(path.join(layout.dataDir(name), 'postmaster.pid'), 'utf8')).split('\n')[0]);
      expect(pid).toBeGreaterThan(1);
      const environ = await environOf(pid);
      expect(Object.keys(environ)).not.toContain('PGPASSWORD');
      expect(Object.keys(environ)).not.toContain('PGUSER');
      expect(Object.keys(environ)).not.toContain('PGDATABASE');
      expect(Object.keys(environ)).not.toContain('PGSERVICE');
      expect(Object.keys(environ)).not.toContain('PGCOCKPIT_STRAY_TOKEN');
      expect(Object.values(environ).join('\n')).not.toContain(STRAY.PGPASSWORD);
      expect(environ['USER']).toBe(osUser.name);
      expect(environ['HOME']).toBe(osUser.home);
    }
  });

  it('an application_name with an escape comes back from the server without it (PostgreSQL cleans it: pg_clean_ascii)', async () => {
    // What the cockpit shows of a standby it did not set up (pg_stat_replication.application_name) relies on this.
    const names = await withNodeClient(
      config.nodes[0]!,
      config,
      async (client) => (await client.query<{ name: string }>('select application_name as name from pg_stat_activity where pid = pg_backend_pid()')).rows,
      { applicationName: 'evil\u001b[2Jname' },
    );
    expect(names[0]?.name).toMatch(/^evil.*name$/);
    // eslint-disable-next-line no-control-regex
    expect(names[0]?.name).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it('a missing passfile is named, with the login that found no password', async () => {
    const missing = path.join(layout.root, 'no-such.pgpass');
    const stray = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      const node = config.nodes[0]!;
      const attempt = withNodeClient(node, { passfile: missing }, async () => undefined);
      await expect(attempt).rejects.toThrow(`no password found for postgres@127.0.0.1:${node.port} (database demo): password file ${missing} does not exist; PGPASSWORD is not set`);
    } finally {
      process.env.PGPASSWORD = stray;
    }
  });

  it('a node\'s sslmode=require (its own or its pg_service.conf\'s) is honoured: a server without TLS is refused, never used in plaintext', async () => {
    const node = { ...config.nodes[0]!, sslmode: 'require' as const };
    await expect(withNodeClient(node, config, async () => undefined)).rejects.toThrow('The server does not support SSL connections');
    const plain = { ...config.nodes[0]!, sslmode: 'disable' as const };
    await expect(withNodeClient(plain, config, async (client) => (await client.query('select 1 as one')).rows)).resolves.toEqual([{ one: 1 }]);
  });

  it('a passfile others may read is not used, as libpq refuses it', async () => {
    const open = path.join(layout.root, 'open.pgpass');
    await copyFile(layout.passfile, open);
    await chmod(open, 0o644);
    const stray = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      const attempt = withNodeClient(config.nodes[0]!, { passfile: open }, async () => undefined);
      await expect(attempt).rejects.toThrow('has group or world access (mode 0644), so it is ignored as libpq does; permissions should be u=rw (0600) or less');
    } finally {
      process.env.PGPASSWORD = stray;
    }
  });
});

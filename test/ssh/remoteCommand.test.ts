import { execa } from 'execa';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildRemoteStdin,
  buildKillCommand,
  buildRemoteCommand,
  isSudoPasswordPrompt,
  parsePidMarker,
} from '../../src/services/ssh/remoteCommand.js';

const WRAPPER = `exec sh -c 'echo "PGCOCKPIT_PID $$" >&2; exec "$@"' sh`;

describe('buildRemoteCommand', () => {
  it('wraps the program so the remote process group announces itself, then execs it in place', () => {
    expect(buildRemoteCommand({ program: 'pg_ctl', args: ['-D', '/var/lib/postgresql/15/main', 'status'] })).toBe(
      `${WRAPPER} pg_ctl -D /var/lib/postgresql/15/main status`,
    );
  });

  it('quotes every argument for the login shell', () => {
    expect(buildRemoteCommand({ program: 'echo', args: ['a b', "it's", '$HOME', ''] })).toBe(`${WRAPPER} echo 'a b' 'it'\\''s' '$HOME' ''`);
  });

  it('runs through sudo -n -u osUser when the login differs', () => {
    expect(buildRemoteCommand({ program: 'id', args: ['-u'], sudoTo: 'postgres' })).toBe(`${WRAPPER} sudo -n -u postgres -- id -u`);
  });

  it('passes the environment on stdin, after sudo (which would drop it), never on the command line', () => {
    const env = { PGPASSWORD: 's3cret pw', PGAPPNAME: 'x' };
    const command = buildRemoteCommand({ program: 'psql', args: ['-c', 'select 1'], env });
    expect(command).not.toContain('s3cret');
    expect(command).toMatch(/^.* sh -c '.*read -r assignment.*' sh psql -c 'select 1'$/);
    expect(buildRemoteStdin({ env })).toBe('PGPASSWORD=s3cret pw\nPGAPPNAME=x\n\n');
    expect(buildRemoteStdin({})).toBe('');
    expect(buildRemoteCommand({ program: 'psql', args: [], env: { PGPORT: '5433' }, sudoTo: 'postgres' })).toMatch(
      /^.* sudo -n -u postgres -- sh -c '.*read -r assignment.*' sh psql$/,
    );
  });

  it('refuses an environment value it cannot send as one line', () => {
    expect(() => buildRemoteCommand({ program: 'x', args: [], env: { A: 'two\nlines' } })).toThrow('newline');
  });

  it('changes directory as the account that runs the command', () => {
    expect(buildRemoteCommand({ program: 'ls', args: [], cwd: '/srv/my dir' })).toBe(`cd -- '/srv/my dir' && ${WRAPPER} ls`);
    expect(buildRemoteCommand({ program: 'ls', args: [], cwd: '/var/lib/postgresql', sudoTo: 'postgres' })).toBe(
      `${WRAPPER} sudo -n -u postgres -- sh -c 'cd -- "$1" || exit; shift; exec "$@"' sh /var/lib/postgresql ls`,
    );
  });

  it('refuses what the remote side would misread', () => {
    expect(() => buildRemoteCommand({ program: '', args: [] })).toThrow('program name is empty');
    expect(() => buildRemoteCommand({ program: 'x', args: [], env: { 'BAD NAME': '1' } })).toThrow('not a valid environment variable name');
  });

  it('runs in a local sh exactly as intended: env, cwd, arguments, the pid line first', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgcockpit-remote-command-'));
    try {
      const spec = {
        program: 'sh',
        args: ['-c', 'printf "%s|" "$PWD" "$GREETING" "$@"', 'sh', 'two words', "'quoted'", '$(reboot)'],
        env: { GREETING: 'hello; rm -rf /' },
        cwd: dir,
      };
      const result = await execa('sh', ['-c', buildRemoteCommand(spec)], { input: buildRemoteStdin(spec) });
      expect(result.stdout).toBe(`${dir}|hello; rm -rf /|two words|'quoted'|$(reboot)|`);
      expect(parsePidMarker(result.stderr)).toBeGreaterThan(1);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('buildKillCommand', () => {
  it('signals the whole process group, through sudo when the command ran through sudo', () => {
    expect(buildKillCommand(4242, 'TERM')).toBe('kill -s TERM -- -4242');
    expect(buildKillCommand(4242, 'KILL', 'postgres')).toBe('sudo -n -u postgres -- kill -s KILL -- -4242');
  });

  it('never signals pid 0, 1 or a negative number (all processes)', () => {
    expect(() => buildKillCommand(1, 'TERM')).toThrow('refusing');
    expect(() => buildKillCommand(0, 'TERM')).toThrow('refusing');
    expect(() => buildKillCommand(-5, 'TERM')).toThrow('refusing');
  });
});

describe('markers', () => {
  it('reads the pid announcement and nothing else', () => {
    expect(parsePidMarker('PGCOCKPIT_PID 1234')).toBe(1234);
    expect(parsePidMarker('PGCOCKPIT_PID 12x')).toBeNull();
    expect(parsePidMarker('say PGCOCKPIT_PID 12')).toBeNull();
  });

  it('recognises sudo -n asking for a password', () => {
    expect(isSudoPasswordPrompt('sudo: a password is required')).toBe(true);
    expect(isSudoPasswordPrompt('sudo: a terminal is required to read the password; either use the -S option')).toBe(true);
    expect(isSudoPasswordPrompt('pg_ctl: server is running')).toBe(false);
  });
});

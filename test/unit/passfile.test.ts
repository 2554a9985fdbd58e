import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PassfileEntry } from '../../src/services/postgres/passfile.js';
import { findPassword, lookupPassword, parsePassfile, passfilePath } from '../../src/services/postgres/passfile.js';

const entry = (host: string, port: string, database: string, user: string, password: string): PassfileEntry => ({
  host,
  port,
  database,
  user,
  password,
});

describe('parsePassfile', () => {
  it('reads host:port:database:user:password lines, skipping # comments and blank lines', () => {
    const text = [
      '# sandbox passwords',
      '',
      '127.0.0.1:5432:demo:postgres:secret',
      '   ',
      '#127.0.0.1:5432:demo:postgres:commented-out',
      '*:*:replication:replication:repl',
      '',
    ].join('\n');
    expect(parsePassfile(text)).toEqual([entry('127.0.0.1', '5432', 'demo', 'postgres', 'secret'), entry('*', '*', 'replication', 'replication', 'repl')]);
  });

  it('accepts CRLF line endings', () => {
    expect(parsePassfile('h:1:d:u:p1\r\nh:2:d:u:p2\r\n')).toEqual([entry('h', '1', 'd', 'u', 'p1'), entry('h', '2', 'd', 'u', 'p2')]);
  });

  it('turns \\: into : and \\\\ into \\, in every field', () => {
    expect(parsePassfile('fe80\\:\\:1:5432:my\\:db:dom\\\\user:pa\\:ss\\\\word')).toEqual([
      entry('fe80::1', '5432', 'my:db', 'dom\\user', 'pa:ss\\word'),
    ]);
  });

  it('keeps a backslash before any other character as that character, and a trailing backslash as itself', () => {
    expect(parsePassfile('h:5432:d:u:a\\bc\\')).toEqual([entry('h', '5432', 'd', 'u', 'abc\\')]);
  });

  it('reads an escaped \\: password correctly', () => {
    expect(parsePassfile('h:5432:d:u:\\:\\:')[0]?.password).toBe('::');
  });

  it('keeps an empty password', () => {
    expect(parsePassfile('h:5432:d:u:')).toEqual([entry('h', '5432', 'd', 'u', '')]);
  });

  it('ignores lines with fewer than five fields', () => {
    expect(parsePassfile('h:5432:d:u\nh:5432:d\njust-text\nh\\:5432:d:u:p')).toEqual([]);
  });

  it('does not treat # after leading spaces or later in the line as a comment (libpq only checks column 1)', () => {
    expect(parsePassfile('h:5432:d:u:pass#word\n #h:5432:d:u:p')).toEqual([entry('h', '5432', 'd', 'u', 'pass#word'), entry(' #h', '5432', 'd', 'u', 'p')]);
  });

  // Deviation from libpq: fe-connect.c's passwordFromFile de-escapes the password only up to the first
  // UNESCAPED ':' ("for (p1 = p2 = ret; *p1 != ':' && *p1 != '\0'; ...)"), so psql reads the password
  // of 'h:5432:d:u:pa:ss' as "pa"; parsePassfile keeps "pa:ss". pgcockpit and libpq tools (psql,
  // pg_basebackup) then disagree on the password of the same line. Expected: "pa".
  it('ends the password at an unescaped ":", as libpq does', () => {
    expect(parsePassfile('h:5432:d:u:pa:ss')[0]?.password).toBe('pa');
  });
});

describe('findPassword', () => {
  const entries = [
    entry('db1', '5432', 'app', 'alice', 'alice-on-db1'),
    entry('db1', '*', '*', 'alice', 'alice-any-port'),
    entry('*', '5433', '*', '*', 'anyone-on-5433'),
    entry('*', '*', '*', 'bob', 'bob-anywhere'),
    entry('*', '*', '*', 'bob', 'bob-shadowed'),
  ];

  it('returns the first matching entry, not the most specific one', () => {
    expect(findPassword(entries, { host: 'db1', port: 5432, database: 'app', user: 'alice' })).toBe('alice-on-db1');
    expect(findPassword(entries, { host: 'db1', port: 5433, database: 'app', user: 'alice' })).toBe('alice-any-port');
    expect(findPassword(entries, { host: 'db1', port: 5432, database: 'x', user: 'bob' })).toBe('bob-anywhere');
    // 5433 matches the wildcard-user line before bob's own line.
    expect(findPassword(entries, { host: 'db2', port: 5433, database: 'x', user: 'bob' })).toBe('anyone-on-5433');
  });

  it('compares the port as a string', () => {
    expect(findPassword([entry('h', '05432', 'd', 'u', 'zero-padded'), entry('h', '5432', 'd', 'u', 'plain')], { host: 'h', port: 5432, database: 'd', user: 'u' })).toBe(
      'plain',
    );
  });

  it('matches exactly, case-sensitively, with * only as a whole field', () => {
    const list = [entry('db*', '*', '*', '*', 'prefix'), entry('DB1', '*', '*', '*', 'upper')];
    expect(findPassword(list, { host: 'db1', port: 5432, database: 'd', user: 'u' })).toBeUndefined();
    expect(findPassword(list, { host: 'db*', port: 5432, database: 'd', user: 'u' })).toBe('prefix');
  });

  it('returns undefined when nothing matches or the file is empty', () => {
    expect(findPassword(entries, { host: 'db2', port: 5432, database: 'app', user: 'carol' })).toBeUndefined();
    expect(findPassword([], { host: 'h', port: 1, database: 'd', user: 'u' })).toBeUndefined();
  });

  it('returns an empty password as such (not as "no match")', () => {
    expect(findPassword([entry('*', '*', '*', '*', '')], { host: 'h', port: 1, database: 'd', user: 'u' })).toBe('');
  });

  it('works on what parsePassfile reads', () => {
    const parsed = parsePassfile('127.0.0.1:5433:*:replication:r\\:pw\n127.0.0.1:*:*:postgres:su\n');
    expect(findPassword(parsed, { host: '127.0.0.1', port: 5433, database: 'replication', user: 'replication' })).toBe('r:pw');
    expect(findPassword(parsed, { host: '127.0.0.1', port: 5434, database: 'demo', user: 'postgres' })).toBe('su');
  });
});

describe('passfilePath', () => {
  it('prefers the explicit passfile, then $PGPASSFILE, then ~/.pgpass', () => {
    expect(passfilePath('/etc/pgcockpit/pgpass', { PGPASSFILE: '/env/pgpass' })).toBe('/etc/pgcockpit/pgpass');
    expect(passfilePath(undefined, { PGPASSFILE: '/env/pgpass' })).toBe('/env/pgpass');
    expect(passfilePath(undefined, {})).toBe(path.join(os.homedir(), '.pgpass'));
  });

  it('does not read PGPASSWORD or anything else from the environment', () => {
    expect(passfilePath(undefined, { PGPASSWORD: 'x', HOME: '/elsewhere' })).toBe(path.join(os.homedir(), '.pgpass'));
  });
});

describe('lookupPassword', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgcockpit-passfile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file and finds the password', async () => {
    const file = path.join(dir, 'pgpass');
    writeFileSync(file, '# test\n127.0.0.1:5432:demo:postgres:s\\:3cret\n', { mode: 0o600 });
    await expect(lookupPassword(file, { host: '127.0.0.1', port: 5432, database: 'demo', user: 'postgres' })).resolves.toBe('s:3cret');
  });

  it('treats a missing file as "no password"', async () => {
    await expect(lookupPassword(path.join(dir, 'missing'), { host: 'h', port: 1, database: 'd', user: 'u' })).resolves.toBeUndefined();
  });
});

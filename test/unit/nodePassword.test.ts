import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupPassword, readPassfile } from '../../src/services/postgres/passfile.js';
import { serverAnswered } from '../../src/services/cluster/describeConnectError.js';
import { NoPasswordError, nodePassword } from '../../src/services/postgres/nodePassword.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgcockpit-nodepw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = { host: '127.0.0.1', port: 5433, user: 'postgres', database: 'demo', passfile: undefined };

function passfile(name: string, text: string, mode = 0o600): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

describe('readPassfile, as libpq reads it', () => {
  it('ignores a passfile group or others may read, and says why (libpq: permissions should be u=rw (0600) or less)', async () => {
    const file = passfile('open', '*:*:*:postgres:pw\n', 0o644);
    const read = await readPassfile(file);
    expect(read).toEqual({
      status: 'unusable',
      file,
      reason: expect.stringContaining(`password file ${file} has group or world access (mode 0644)`),
    });
    expect(read.status === 'unusable' && read.reason).toContain('permissions should be u=rw (0600) or less');
    await expect(lookupPassword(file, { ...node })).resolves.toBeUndefined();
  });

  it('reads a 0600 or 0400 file', async () => {
    await expect(lookupPassword(passfile('private', '*:*:*:postgres:pw\n', 0o400), node)).resolves.toBe('pw');
  });

  it('says a missing file does not exist and a directory is not a plain file', async () => {
    expect(await readPassfile(path.join(dir, 'none'))).toMatchObject({ status: 'unusable', reason: `password file ${path.join(dir, 'none')} does not exist` });
    expect(await readPassfile(dir)).toMatchObject({ status: 'unusable', reason: `password file ${dir} is not a plain file` });
  });
});

describe('nodePassword', () => {
  it('a passfile the config names wins over a stray PGPASSWORD', async () => {
    const file = passfile('named', '127.0.0.1:5433:*:postgres:from-file\n');
    expect(await nodePassword(node, file, { PGPASSWORD: 'stray' })).toEqual({ found: true, password: 'from-file', from: file });
  });

  it('falls back to PGPASSWORD when the named passfile has no line for the node', async () => {
    const file = passfile('other', '127.0.0.1:9999:*:postgres:elsewhere\n');
    expect(await nodePassword(node, file, { PGPASSWORD: 'env' })).toEqual({ found: true, password: 'env', from: 'PGPASSWORD' });
  });

  it('without a passfile in the config, PGPASSWORD comes first, then PGPASSFILE', async () => {
    const file = passfile('env-named', '*:*:*:postgres:via-pgpassfile\n');
    expect(await nodePassword(node, undefined, { PGPASSWORD: 'env', PGPASSFILE: file })).toMatchObject({ password: 'env' });
    expect(await nodePassword(node, undefined, { PGPASSWORD: '', PGPASSFILE: file })).toMatchObject({ password: 'via-pgpassfile', from: file });
  });

  it('says which passfile was looked at and why it gave nothing', async () => {
    const missing = path.join(dir, 'missing.pgpass');
    expect(await nodePassword(node, missing, {})).toEqual({
      found: false,
      reasons: [`password file ${missing} does not exist`, 'PGPASSWORD is not set'],
    });
    const file = passfile('no-line', '127.0.0.1:5432:*:postgres:pw\n');
    expect(await nodePassword({ ...node, passfile: file }, undefined, {})).toEqual({
      found: false,
      reasons: [`password file ${file} has no line for postgres@127.0.0.1:5433 (database demo)`, 'PGPASSWORD is not set'],
    });
  });

  it('the error names the login and the reasons', () => {
    const error = new NoPasswordError('postgres@127.0.0.1:5433 (database demo)', ['password file /x does not exist', 'PGPASSWORD is not set']);
    expect(error.message).toMatch(/^no password found for postgres@127\.0\.0\.1:5433 \(database demo\): password file \/x does not exist; PGPASSWORD is not set\./);
    // It is thrown only when the server asked for a password: that server is alive (a failover must not think it gone).
    expect(serverAnswered(error)).toBe(true);
  });
});

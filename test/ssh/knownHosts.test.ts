import { execa } from 'execa';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  fingerprintSha256,
  hostFieldMatches,
  keyTypeOf,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../src/services/ssh/knownHosts.js';
import { preferredHostKeyAlgorithms } from '../../src/services/ssh/hostKeyVerifier.js';

interface Key {
  type: string;
  base64: string;
  blob: Buffer;
  /** What ssh-keygen -l prints. */
  fingerprint: string;
}

let dir: string;
let ed25519: Key;
let otherEd25519: Key;
let ecdsa: Key;

async function makeKey(type: 'ed25519' | 'ecdsa', name: string): Promise<Key> {
  const file = path.join(dir, name);
  await execa('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  const [keyType = '', base64 = ''] = (await fs.readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/);
  const fingerprint = (await execa('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`])).stdout.split(/\s+/)[1] ?? '';
  return { type: keyType, base64, blob: Buffer.from(base64, 'base64'), fingerprint };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgcockpit-known-hosts-'));
  [ed25519, otherEd25519, ecdsa] = await Promise.all([makeKey('ed25519', 'a'), makeKey('ed25519', 'b'), makeKey('ecdsa', 'c')]);
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('fingerprints and key blobs', () => {
  it('prints the SHA256 fingerprint exactly as ssh-keygen -l does (unpadded base64)', () => {
    for (const key of [ed25519, otherEd25519, ecdsa]) {
      expect(fingerprintSha256(key.blob)).toBe(key.fingerprint);
      expect(fingerprintSha256(key.blob)).not.toMatch(/=$/);
    }
  });

  it('reads the key type from the blob, and refuses a malformed blob', () => {
    expect(keyTypeOf(ed25519.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBeNull();
    expect(keyTypeOf(Buffer.from([0, 0, 1, 0, 65]))).toBeNull();
  });
});

describe('parseKnownHosts', () => {
  it('reads plain, bracketed, hashed and marked lines with their line numbers, skipping comments and junk', () => {
    const text = [
      '# a comment',
      '',
      `db1,10.0.0.11 ${ed25519.type} ${ed25519.base64} admin@laptop`,
      `[db2]:2222 ${ecdsa.type} ${ecdsa.base64}`,
      `@revoked * ${otherEd25519.type} ${otherEd25519.base64}`,
      `@cert-authority *.example.com ${ed25519.type} ${ed25519.base64}`,
      `@bogus db9 ${ed25519.type} ${ed25519.base64}`,
      'db3 ssh-ed25519 not-base64-at-all!',
      'onlyonefield',
      `   db4 ${ed25519.type} ${ed25519.base64}\r`,
    ].join('\n');
    const entries = parseKnownHosts(text, '/k');
    expect(entries.map((entry) => [entry.lineNumber, entry.hosts, entry.marker, entry.keyType])).toEqual([
      [3, 'db1,10.0.0.11', null, 'ssh-ed25519'],
      [4, '[db2]:2222', null, 'ecdsa-sha2-nistp256'],
      [5, '*', 'revoked', 'ssh-ed25519'],
      [6, '*.example.com', 'cert-authority', 'ssh-ed25519'],
      [10, 'db4', null, 'ssh-ed25519'],
    ]);
    expect(entries[0]?.line).toBe(`db1,10.0.0.11 ${ed25519.type} ${ed25519.base64} admin@laptop`);
    expect(entries[0]?.key.equals(ed25519.blob)).toBe(true);
    expect(entries[4]?.line).toBe(`   db4 ${ed25519.type} ${ed25519.base64}`);
  });
});

describe('host matching', () => {
  it('files port 22 under the bare name and other ports as [host]:port, lower-cased', () => {
    expect(knownHostsName('DB1.example.com', 22)).toBe('db1.example.com');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('matches pattern lists with *, ? and negation, case-insensitively', () => {
    expect(hostFieldMatches('db1,db2', 'db2')).toBe(true);
    expect(hostFieldMatches('DB1', 'db1')).toBe(true);
    expect(hostFieldMatches('*.example.com', 'db1.example.com')).toBe(true);
    expect(hostFieldMatches('*.example.com', 'example.com')).toBe(false);
    expect(hostFieldMatches('db?', 'db7')).toBe(true);
    expect(hostFieldMatches('db?', 'db10')).toBe(false);
    expect(hostFieldMatches('*.example.com,!bad.example.com', 'bad.example.com')).toBe(false);
    expect(hostFieldMatches('!bad.example.com', 'good.example.com')).toBe(false);
    expect(hostFieldMatches('db1.example.com', 'db1xexample.com')).toBe(false);
  });

  it('keeps [host]:port apart from the host on port 22', () => {
    expect(hostFieldMatches('[127.0.0.1]:2222', '[127.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches('[127.0.0.1]:2222', '127.0.0.1')).toBe(false);
    expect(hostFieldMatches('127.0.0.1', '[127.0.0.1]:2222')).toBe(false);
    expect(hostFieldMatches('[127.0.0.*]:2222', '[127.0.0.9]:2222')).toBe(true);
  });

  it('matches entries hashed by OpenSSH itself (ssh-keygen -H), and only for the right name', async () => {
    const file = path.join(dir, 'hashed_known_hosts');
    await fs.writeFile(file, `db1.example.com ${ed25519.type} ${ed25519.base64}\n[127.0.0.1]:2222 ${ecdsa.type} ${ecdsa.base64}\n`);
    await execa('ssh-keygen', ['-H', '-f', file]);
    const entries = parseKnownHosts(await fs.readFile(file, 'utf8'), file);
    expect(entries.map((entry) => entry.hosts.startsWith('|1|'))).toEqual([true, true]);
    const [first, second] = entries;
    expect(hostFieldMatches(first?.hosts ?? '', 'db1.example.com')).toBe(true);
    expect(hostFieldMatches(first?.hosts ?? '', 'db2.example.com')).toBe(false);
    expect(hostFieldMatches(second?.hosts ?? '', '[127.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches(second?.hosts ?? '', '127.0.0.1')).toBe(false);
  });

  it('writes hashed lines that OpenSSH finds (ssh-keygen -F)', async () => {
    const file = path.join(dir, 'written_known_hosts');
    await fs.writeFile(file, `${knownHostsLine('[127.0.0.1]:2222', ed25519.blob, { hashed: true })}\n`);
    const found = await execa('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { reject: false });
    expect(found.exitCode).toBe(0);
    expect(found.stdout).toContain(ed25519.base64);
    const notFound = await execa('ssh-keygen', ['-F', '127.0.0.1', '-f', file], { reject: false });
    expect(notFound.exitCode).not.toBe(0);
    expect(knownHostsLine('[127.0.0.1]:2222', ed25519.blob)).toBe(`[127.0.0.1]:2222 ssh-ed25519 ${ed25519.base64}`);
  });
});

describe('checkHostKey', () => {
  const entriesFor = (lines: string[]) => parseKnownHosts(lines.join('\n'), '/home/dba/.ssh/known_hosts');

  it('knows a key filed for the host', () => {
    const entries = entriesFor([`db0 ${ecdsa.type} ${ecdsa.base64}`, `db1 ${ed25519.type} ${ed25519.base64}`]);
    expect(checkHostKey(entries, 'db1', ed25519.blob)).toMatchObject({ kind: 'known', entry: { lineNumber: 2 } });
  });

  it('calls a host with no entry unknown, even when the key is filed for another host', () => {
    const entries = entriesFor([`db1 ${ed25519.type} ${ed25519.base64}`]);
    expect(checkHostKey(entries, 'db2', ed25519.blob)).toEqual({ kind: 'unknown' });
    expect(checkHostKey([], 'db2', ed25519.blob)).toEqual({ kind: 'unknown' });
  });

  it('calls a different key of the same type changed, naming the line on file', () => {
    const entries = entriesFor([`db1 ${ed25519.type} ${ed25519.base64}`]);
    expect(checkHostKey(entries, 'db1', otherEd25519.blob)).toMatchObject({ kind: 'changed', sameType: true, entry: { lineNumber: 1 } });
  });

  it('accepts a key when any of several entries for the host holds it', () => {
    const entries = entriesFor([`db1 ${ecdsa.type} ${ecdsa.base64}`, `db1 ${ed25519.type} ${ed25519.base64}`]);
    expect(checkHostKey(entries, 'db1', ed25519.blob).kind).toBe('known');
    expect(checkHostKey(entries, 'db1', ecdsa.blob).kind).toBe('known');
  });

  it('calls a host known only with keys of another type changed, not new', () => {
    const entries = entriesFor([`db1 ${ecdsa.type} ${ecdsa.base64}`]);
    expect(checkHostKey(entries, 'db1', ed25519.blob)).toMatchObject({ kind: 'changed', sameType: false });
  });

  it('refuses a @revoked key for every host, even one that lists it', () => {
    const entries = entriesFor([`db1 ${ed25519.type} ${ed25519.base64}`, `@revoked otherhost ${ed25519.type} ${ed25519.base64}`]);
    expect(checkHostKey(entries, 'db1', ed25519.blob)).toMatchObject({ kind: 'revoked', entry: { lineNumber: 2 } });
  });

  it('never lets a @cert-authority line vouch for a plain key', () => {
    const entries = entriesFor([`@cert-authority db1 ${ed25519.type} ${ed25519.base64}`]);
    expect(checkHostKey(entries, 'db1', ed25519.blob)).toEqual({ kind: 'unknown' });
    expect(knownKeyTypes(entries, 'db1')).toEqual([]);
  });

  it('asks the server for the key types on file first', () => {
    const entries = entriesFor([`[db1]:2222 ${ecdsa.type} ${ecdsa.base64}`, `db1 ${ed25519.type} ${ed25519.base64}`]);
    expect(knownKeyTypes(entries, '[db1]:2222')).toEqual(['ecdsa-sha2-nistp256']);
    expect(preferredHostKeyAlgorithms(['ecdsa-sha2-nistp256'])[0]).toBe('ecdsa-sha2-nistp256');
    expect(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
    expect(preferredHostKeyAlgorithms(['sk-ssh-ed25519@openssh.com'])).not.toContain('sk-ssh-ed25519@openssh.com');
  });
});

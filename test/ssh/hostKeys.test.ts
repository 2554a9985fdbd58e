import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SshRunner } from '../../src/services/runner/sshRunner.js';
import { createSshRunner } from '../../src/services/runner/sshRunner.js';
import { HostKeyError } from '../../src/services/ssh/hostKeyVerifier.js';
import type { SshEnvironment } from '../../src/services/ssh/sshEnvironment.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { testSshEnvironment } from './sshTestEnv.js';

let sshd: TestSshd;
let home: string;
let env: SshEnvironment;
let knownHosts: string;
let globalKnownHosts: string;
/** A key that is not the server's. */
let impostorKey: string;
const runners: SshRunner[] = [];

beforeAll(async () => {
  sshd = await startSshd();
});

beforeEach(async () => {
  home = await scratchHome();
  env = testSshEnvironment(home);
  knownHosts = env.userKnownHostsFiles[0] ?? '';
  globalKnownHosts = env.globalKnownHostsFiles[0] ?? '';
  await fs.mkdir(path.dirname(globalKnownHosts), { recursive: true });
  const impostor = path.join(home, 'impostor');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', impostor]);
  impostorKey = (await fs.readFile(`${impostor}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
  await fs.rm(home, { recursive: true, force: true });
});

afterAll(async () => {
  await sshd?.stop();
});

function runner(acceptNewHostKeys = false, extra: Partial<SshEnvironment> = {}): SshRunner {
  const created = createSshRunner({
    ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile, acceptNewHostKeys },
    osUser: 'root',
    env: { ...env, ...extra },
  });
  runners.push(created);
  return created;
}

async function whoami(target: SshRunner): Promise<string[]> {
  const lines: string[] = [];
  const result = await target.run({ program: 'id', args: ['-un'], mutating: false }, {
    onLine: (line) => (line.stream === 'stdout' ? lines.push(line.text) : undefined),
  });
  expect(result.exitCode).toBe(0);
  return lines;
}

async function refusal(target: SshRunner): Promise<HostKeyError> {
  const error = await whoami(target).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(HostKeyError);
  return error as HostKeyError;
}

/** Logins sshd accepted so far: a refused host key means we never even tried to log in. */
const logins = () => sshd.log().split('\n').filter((line) => line.startsWith('Accepted publickey')).length;

describe('host key verification', () => {
  it('refuses an unknown host, showing the SHA256 fingerprint and the line to add, before logging in', async () => {
    const loginsBefore = logins();
    const error = await refusal(runner());
    expect(error.kind).toBe('unknown');
    expect(error.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(error.knownHostsLine).toBe(sshd.knownHostsLine);
    expect(error.message).toContain(`host key unknown: the server offers ED25519 key ${sshd.hostKeyFingerprint}`);
    expect(error.message).toContain(`add this line to ${knownHosts}:\n${sshd.knownHostsLine}\n`);
    expect(error.message).toContain('ssh.acceptNewHostKeys: true');
    expect(logins()).toBe(loginsBefore);
    await expect(fs.stat(knownHosts)).rejects.toThrow();
  });

  it('refuses a changed host key, quoting the known_hosts line that disagrees', async () => {
    const stale = `[127.0.0.1]:${sshd.port} ${impostorKey}`;
    await fs.writeFile(knownHosts, `# old entries\n${stale}\n`);
    const error = await refusal(runner());
    expect(error.kind).toBe('changed');
    expect(error.knownHostsLine).toBe(stale);
    expect(error.message).toContain(`host key CHANGED: the server offers ED25519 key ${sshd.hostKeyFingerprint}`);
    expect(error.message).toContain(`${knownHosts}:2 has a different key for [127.0.0.1]:${sshd.port}`);
    expect(error.message).toContain(`\n${stale}\n`);
    expect(error.message).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}' -f ${knownHosts}`);
  });

  it('still refuses a changed key with acceptNewHostKeys, and leaves known_hosts alone', async () => {
    const stale = `[127.0.0.1]:${sshd.port} ${impostorKey}\n`;
    await fs.writeFile(knownHosts, stale);
    expect((await refusal(runner(true))).kind).toBe('changed');
    expect(await fs.readFile(knownHosts, 'utf8')).toBe(stale);
  });

  it('acceptNewHostKeys records an unknown key in known_hosts and connects; later connections verify against it', async () => {
    await fs.rm(path.dirname(knownHosts), { recursive: true });
    expect(await whoami(runner(true))).toEqual(['root']);
    expect(await fs.readFile(knownHosts, 'utf8')).toBe(`${sshd.knownHostsLine}\n`);
    expect((await fs.stat(path.dirname(knownHosts))).mode & 0o777).toBe(0o700);
    // The recorded key is now simply known.
    expect(await whoami(runner(false))).toEqual(['root']);
    // OpenSSH agrees with what was written.
    const found = await execa('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', knownHosts], { reject: false });
    expect(found.exitCode).toBe(0);
  });

  it('records the new key hashed when ~/.ssh/config says HashKnownHosts yes', async () => {
    await fs.writeFile(knownHosts, `other.example.com ${impostorKey}`); // no final newline
    await fs.writeFile(path.join(home, '.ssh', 'config'), 'Host *\n  HashKnownHosts yes\n');
    expect(await whoami(runner(true))).toEqual(['root']);
    const lines = (await fs.readFile(knownHosts, 'utf8')).split('\n');
    expect(lines[0]).toBe(`other.example.com ${impostorKey}`);
    expect(lines[1]).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
    expect(lines[1]).not.toContain('127.0.0.1');
    const found = await execa('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', knownHosts], { reject: false });
    expect(found.exitCode).toBe(0);
  });

  it('accepts a hashed known_hosts entry (ssh-keygen -H)', async () => {
    await fs.writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    await execa('ssh-keygen', ['-H', '-f', knownHosts]);
    expect(await fs.readFile(knownHosts, 'utf8')).toMatch(/^\|1\|/);
    expect(await whoami(runner())).toEqual(['root']);
  });

  it('accepts a [127.0.0.1]:port entry among others, and one in the global file', async () => {
    await fs.writeFile(knownHosts, `db1.example.com ${impostorKey}\n[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    expect(await whoami(runner())).toEqual(['root']);
    await fs.writeFile(knownHosts, '');
    await fs.writeFile(globalKnownHosts, `${sshd.knownHostsLine}\n`);
    expect(await whoami(runner())).toEqual(['root']);
  });

  it('does not take an entry for port 22 as vouching for another port', async () => {
    await fs.writeFile(knownHosts, `127.0.0.1 ${sshd.hostPublicKey}\n`);
    expect((await refusal(runner())).kind).toBe('unknown');
  });

  it('refuses a key marked @revoked', async () => {
    await fs.writeFile(knownHosts, `${sshd.knownHostsLine}\n@revoked * ${sshd.hostPublicKey}\n`);
    const error = await refusal(runner(true));
    expect(error.kind).toBe('revoked');
    expect(error.message).toContain(`marked @revoked at ${knownHosts}:2`);
  });

  it('reads known_hosts afresh on reconnect: a fixed file lets the next attempt through', async () => {
    const target = runner();
    await refusal(target);
    await fs.writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
    expect(await whoami(target)).toEqual(['root']);
  });
});

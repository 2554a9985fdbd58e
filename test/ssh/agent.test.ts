import { execa } from 'execa';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SshRunner } from '../../src/services/runner/sshRunner.js';
import { createSshRunner } from '../../src/services/runner/sshRunner.js';
import type { SshEnvironment } from '../../src/services/ssh/sshEnvironment.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { testSshEnvironment } from './sshTestEnv.js';

let sshd: TestSshd;
let home: string;
let env: SshEnvironment;
let agent: ChildProcess | undefined;
let agentSocket: string;
/** A key protected by a passphrase, which pgcockpit never asks for. */
let encryptedKey: string;
const runners: SshRunner[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  home = await scratchHome();
  env = testSshEnvironment(home);
  await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
  agentSocket = path.join(home, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  // The socket file appears at bind(), a moment before the agent listens: wait until ssh-add gets through.
  for (let waited = 0; ; waited += 20) {
    const added = await execa('ssh-add', [sshd.clientKeyFile], { env: { SSH_AUTH_SOCK: agentSocket }, reject: false });
    if (added.exitCode === 0) break;
    if (waited > 10_000) throw new Error(`ssh-agent did not take the key: ${String(added.stderr)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  encryptedKey = path.join(home, '.ssh', 'id_encrypted');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a secret', '-f', encryptedKey]);
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

afterAll(async () => {
  agent?.kill('SIGTERM');
  await sshd?.stop();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

function runner(options: { identityFile?: string; agentSocket?: string }): SshRunner {
  const created = createSshRunner({
    ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: options.identityFile },
    osUser: 'root',
    env: { ...env, agentSocket: options.agentSocket },
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

describe('keys from ssh-agent (SSH_AUTH_SOCK)', () => {
  it('logs in with a key only the agent holds (no identity file anywhere)', async () => {
    const target = runner({ agentSocket });
    expect(target.endpoint.identityFilesAreDefaults).toBe(true);
    expect(await whoami(target)).toEqual(['root']);
  });

  it('passes over an encrypted identity file and logs in with the agent', async () => {
    expect(await whoami(runner({ identityFile: encryptedKey, agentSocket }))).toEqual(['root']);
  });

  it('without an agent, says the encrypted key must be loaded into ssh-agent', async () => {
    await expect(whoami(runner({ identityFile: encryptedKey }))).rejects.toThrow(
      `${encryptedKey} is protected by a passphrase (load it into ssh-agent: ssh-add ${encryptedKey})`,
    );
  });

  it('without an agent or any key, says what it looked for', async () => {
    await expect(whoami(runner({}))).rejects.toThrow(
      `no key to log in with: no ssh-agent (SSH_AUTH_SOCK is not set) and no usable identity file (none of ${path.join(home, '.ssh', 'id_ed25519')}`,
    );
  });
});

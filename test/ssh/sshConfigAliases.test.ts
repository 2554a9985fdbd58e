import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/services/os/freePort.js';
import { lookupOsUser } from '../../src/services/os/osUser.js';
import type { SshRunner } from '../../src/services/runner/sshRunner.js';
import { createSshRunner } from '../../src/services/runner/sshRunner.js';
import { SshConnectionPool } from '../../src/services/ssh/sshConnectionPool.js';
import type { SshEnvironment } from '../../src/services/ssh/sshEnvironment.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { testSshEnvironment } from './sshTestEnv.js';

/** The jump host (bastion) and the database host behind it, both real sshds on loopback. */
let jump: TestSshd;
let target: TestSshd;
let home: string;
let env: SshEnvironment;
const closing: Array<SshRunner | SshConnectionPool> = [];

beforeAll(async () => {
  jump = await startSshd();
  // The DBA's one key opens both hosts.
  target = await startSshd({ authorizedKeys: [jump.clientPublicKey] });
  home = await scratchHome();
  env = testSshEnvironment(home);
  await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${jump.knownHostsLine}\n${target.knownHostsLine}\n`);
  await fs.writeFile(
    env.configFile ?? '',
    [
      '# as a DBA writes it',
      'Host db-behind-bastion',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      '  User root',
      '  ProxyJump bastion',
      '',
      'Host bastion',
      '  HostName 127.0.0.1',
      `  Port ${jump.port}`,
      '  User root',
      '',
      'Host db-direct',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      '  User postgres',
      '  IdentityFile ~/.ssh/id_dba',
      '',
      'Host *',
      `  IdentityFile ${jump.clientKeyFile}`,
      '',
    ].join('\n'),
  );
  await fs.copyFile(jump.clientKeyFile, path.join(home, '.ssh', 'id_dba'));
});

afterEach(async () => {
  await Promise.all(closing.splice(0).map((item) => item.close()));
});

afterAll(async () => {
  await target?.stop();
  await jump?.stop();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

async function stdoutOf(runner: SshRunner, script: string): Promise<string[]> {
  const lines: string[] = [];
  const result = await runner.run({ program: 'sh', args: ['-c', script], mutating: false }, {
    onLine: (line) => (line.stream === 'stdout' ? lines.push(line.text) : undefined),
  });
  expect(result.exitCode).toBe(0);
  return lines;
}

const logins = (sshd: TestSshd) => sshd.log().split('\n').filter((line) => line.startsWith('Accepted publickey')).length;

describe('~/.ssh/config aliases', () => {
  it('takes HostName, User, Port and IdentityFile from an alias', async () => {
    const runner = createSshRunner({ ssh: { host: 'db-direct' }, osUser: 'postgres', env });
    closing.push(runner);
    expect(runner.where).toBe(`ssh postgres@db-direct (127.0.0.1):${target.port}`);
    expect(runner.endpoint.identityFiles[0]).toBe(path.join(home, '.ssh', 'id_dba'));
    const uid = (await lookupOsUser('postgres')).uid;
    expect(await stdoutOf(runner, 'id -u; echo "sudo=$SUDO_USER"')).toEqual([String(uid), 'sudo=']);
  });

  it('goes through the ProxyJump host: two connections, the target reached from inside the jump host', async () => {
    const pool = new SshConnectionPool({ env });
    closing.push(pool);
    const runner = createSshRunner({ ssh: { host: 'db-behind-bastion' }, osUser: 'postgres', env, pool });
    closing.push(runner);
    expect(runner.where).toBe(
      `ssh root@db-behind-bastion (127.0.0.1):${target.port} via root@bastion (127.0.0.1):${jump.port}, sudo to postgres`,
    );
    const jumpLogins = logins(jump);
    const targetLogins = logins(target);
    expect(await stdoutOf(runner, 'id -un')).toEqual(['postgres']);
    expect(logins(jump)).toBe(jumpLogins + 1);
    expect(logins(target)).toBe(targetLogins + 1);
    expect(new Set(pool.openConnections())).toEqual(
      new Set([`root@127.0.0.1:${jump.port}`, `root@127.0.0.1:${target.port} via root@127.0.0.1:${jump.port}`]),
    );
    // Both connections are reused.
    await stdoutOf(runner, 'true');
    expect(pool.connectionsOpened).toBe(2);

    // The target's connection lives inside the jump host's: drop the jump host's sessions and it goes too...
    await jump.dropConnections();
    await expect.poll(() => pool.openConnections(), { timeout: 5000 }).toEqual([]);
    // ...and the next command reconnects both.
    expect(await stdoutOf(runner, 'id -un')).toEqual(['postgres']);
    expect(pool.connectionsOpened).toBe(4);
  });

  it('fails at the jump host when the jump host is down, naming it', async () => {
    const runner = createSshRunner({ ssh: { host: 'db-behind-bastion' }, osUser: 'root', env });
    closing.push(runner);
    const config = await fs.readFile(env.configFile ?? '', 'utf8');
    // Point the bastion alias at a port nobody listens on: the target itself is still up.
    const deadPort = await freePort();
    await fs.writeFile(env.configFile ?? '', config.replace(`Port ${jump.port}`, `Port ${deadPort}`));
    try {
      const viaDeadJump = createSshRunner({ ssh: { host: 'db-behind-bastion' }, osUser: 'root', env });
      closing.push(viaDeadJump);
      await expect(viaDeadJump.run({ program: 'true', args: [], mutating: false })).rejects.toThrow(
        `ssh root@bastion (127.0.0.1):${deadPort}: connection refused at 127.0.0.1:${deadPort}`,
      );
    } finally {
      await fs.writeFile(env.configFile ?? '', config);
    }
    // The runner made before the change still goes through the real bastion.
    expect(await stdoutOf(runner, 'id -un')).toEqual(['root']);
  });
});

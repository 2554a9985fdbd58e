import fs from 'node:fs/promises';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSshRunner } from '../../src/services/runner/sshRunner.js';
import type { SshEnvironment } from '../../src/services/ssh/sshEnvironment.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { testSshEnvironment } from './sshTestEnv.js';

/**
 * The ssh runner hands a remote program only the command's own env (on the
 * channel's stdin): never pgcockpit's local environment, neither as ssh "env"
 * requests nor on the command line.
 */
describe('SshRunner and pgcockpit\'s own environment', () => {
  let sshd: TestSshd;
  let home: string;
  let env: SshEnvironment;
  const saved = process.env.PGPASSWORD;
  beforeAll(async () => {
    process.env.PGPASSWORD = 'local-stray-4711';
    process.env.PGCOCKPIT_STRAY_TOKEN = 'stray-token';
    sshd = await startSshd();
    home = await scratchHome();
    env = testSshEnvironment(home);
    await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.PGPASSWORD;
    else process.env.PGPASSWORD = saved;
    delete process.env.PGCOCKPIT_STRAY_TOKEN;
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  for (const osUser of ['root', 'postgres']) {
    it(`sends only the command's env (login root, running as ${osUser})`, async () => {
      const exec = vi.spyOn(Client.prototype, 'exec');
      const runner = createSshRunner({ ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile }, osUser, env });
      try {
        const lines: string[] = [];
        const result = await runner.run(
          { program: 'env', args: [], env: { PGPASSFILE: '/srv/named.pgpass' }, mutating: false },
          { onLine: (line) => lines.push(line.text) },
        );
        expect(result.exitCode).toBe(0);
        expect(lines).toContain('PGPASSFILE=/srv/named.pgpass');
        expect(lines.join('\n')).not.toContain('local-stray-4711');
        expect(lines.join('\n')).not.toContain('PGCOCKPIT_STRAY_TOKEN');
        // No ssh "env" request: exec(command, callback), never exec(command, { env }, callback).
        for (const call of exec.mock.calls) {
          expect(typeof call[1]).toBe('function');
          expect(String(call[0])).not.toContain('local-stray-4711');
        }
        expect(exec).toHaveBeenCalled();
      } finally {
        exec.mockRestore();
        await runner.close();
      }
    });
  }
});

import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import { lookupOsUser } from '../../src/services/os/osUser.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import type { OutputLine } from '../../src/services/runner/runner.js';
import { ReadOnlyError } from '../../src/services/runner/runner.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { testSshEnvironment } from '../ssh/sshTestEnv.js';

describe('runners for a cluster\'s nodes: one local, one over ssh (real sshd)', () => {
  let sshd: TestSshd;
  let home: string;
  beforeAll(async () => {
    sshd = await startSshd();
    home = await scratchHome();
  });
  afterAll(async () => {
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  const config = () =>
    configSchema.parse({
      cluster: 'mixed',
      nodes: [
        { name: 'here', host: '127.0.0.1', port: 5432, dataDir: '/srv/here', osUser: 'postgres' },
        { name: 'there', host: '127.0.0.1', port: 5433, osUser: 'postgres', ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile } },
      ],
    });
  const sshEnvironment = async () => {
    const env = testSshEnvironment(home);
    await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
    return env;
  };
  const output = async (run: (onLine: (line: OutputLine) => void) => Promise<unknown>) => {
    const lines: string[] = [];
    await run((line) => (line.stream === 'stdout' ? lines.push(line.text) : undefined));
    return lines;
  };

  it('runs as the OS user on both hosts, locally and through ssh + sudo', async () => {
    const runners = createNodeRunners(config(), { readOnly: false, sshEnvironment: await sshEnvironment() });
    try {
      const uid = String((await lookupOsUser('postgres')).uid);
      const spec = { program: 'id', args: ['-u'], mutating: false };
      expect(await output((onLine) => runners.forNode('here').run(spec, { onLine }))).toEqual([uid]);
      expect(await output((onLine) => runners.forNode('there').run(spec, { onLine }))).toEqual([uid]);
      expect(runners.forNode('here').where).toBe('local as postgres');
      expect(runners.forNode('there').where).toContain('sudo to postgres');
      expect(() => runners.forNode('nowhere')).toThrow(/no node named "nowhere".*here, there/);
    } finally {
      await runners.close();
    }
  });

  it('--read-only refuses a mutating command on either host before anything runs, and still runs the others', async () => {
    const marker = `${home}/must-not-exist`;
    const runners = createNodeRunners(config(), { readOnly: true, sshEnvironment: await sshEnvironment() });
    try {
      for (const node of ['here', 'there']) {
        await expect(runners.forNode(node).run({ program: 'touch', args: [marker], mutating: true })).rejects.toBeInstanceOf(ReadOnlyError);
        expect(await output((onLine) => runners.forNode(node).run({ program: 'echo', args: ['still reads'], mutating: false }, { onLine }))).toEqual(['still reads']);
      }
      await expect(fs.access(marker)).rejects.toThrow();
    } finally {
      await runners.close();
    }
  });
});

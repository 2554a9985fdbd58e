import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeSchema } from '../../src/services/config/schema.js';
import { LocalRunner } from '../../src/services/runner/localRunner.js';
import { readOnlyRunner } from '../../src/services/runner/readOnlyRunner.js';
import type { Runner } from '../../src/services/runner/runner.js';
import { ReadOnlyError } from '../../src/services/runner/runner.js';
import { runnerForNode } from '../../src/services/runner/runnerForNode.js';

const me = os.userInfo().username;
const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-readonly-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const exists = (file: string) => access(file).then(() => true, () => false);

describe('read-only mode', () => {
  it('refuses a mutating command before anything runs', async () => {
    const marker = path.join(await tempDir(), 'must-not-exist');
    const runner = readOnlyRunner(new LocalRunner(me));
    const attempt = runner.run({ program: 'touch', args: [marker], mutating: true });
    await expect(attempt).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(attempt).rejects.toThrow(`read-only mode: refused to run touch on local as ${me}`);
    expect(await exists(marker)).toBe(false);
  });

  it('still runs commands that only look', async () => {
    const lines: string[] = [];
    const runner = readOnlyRunner(new LocalRunner(me));
    const result = await runner.run({ program: 'sh', args: ['-c', 'echo looking'], mutating: false }, { onLine: (line) => lines.push(line.text) });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(['looking']);
    expect(runner.where).toBe(`local as ${me}`);
    expect(runner.osUser).toBe(me);
  });
});

describe('runnerForNode', () => {
  const local = nodeSchema.parse({ name: 'pg1', host: '127.0.0.1', dataDir: '/data/pg1', osUser: me });
  const remote = nodeSchema.parse({ name: 'db2', host: 'db2.example', osUser: 'postgres', ssh: { host: 'db2.example', user: 'admin', port: 2222 } });

  it('runs a node without ssh on this machine as its OS user', async () => {
    const runner = runnerForNode(local, { readOnly: false });
    expect(runner).toBeInstanceOf(LocalRunner);
    expect(runner.where).toBe(`local as ${me}`);
    const marker = path.join(await tempDir(), 'made');
    expect((await runner.run({ program: 'touch', args: [marker], mutating: true })).exitCode).toBe(0);
    expect(await exists(marker)).toBe(true);
  });

  it('wraps it read-only when asked', async () => {
    const runner = runnerForNode(local, { readOnly: true });
    const marker = path.join(await tempDir(), 'must-not-exist');
    await expect(runner.run({ program: 'touch', args: [marker], mutating: true })).rejects.toBeInstanceOf(ReadOnlyError);
    expect(await exists(marker)).toBe(false);
    expect((await runner.run({ program: 'true', args: [], mutating: false })).exitCode).toBe(0);
  });

  it('hands a node with ssh to the injected ssh factory, read-only wrapped too', async () => {
    const ran: string[] = [];
    const fake: Runner = {
      where: 'ssh admin@db2.example:2222, sudo to postgres',
      osUser: 'postgres',
      run: async (spec) => {
        ran.push(spec.program);
        return { exitCode: 0, signal: null, durationMs: 1, timedOut: false, cancelled: false };
      },
      close: async () => undefined,
    };
    const seen: unknown[] = [];
    const ssh = (node: unknown) => (seen.push(node), fake);
    expect(runnerForNode(remote, { readOnly: false, ssh })).toBe(fake);
    expect(seen).toEqual([remote]);
    const readOnly = runnerForNode(remote, { readOnly: true, ssh });
    expect(readOnly.where).toBe(fake.where);
    await expect(readOnly.run({ program: 'pg_ctl', args: ['promote'], mutating: true })).rejects.toThrow(
      'read-only mode: refused to run pg_ctl on ssh admin@db2.example:2222, sudo to postgres',
    );
    await readOnly.run({ program: 'pg_controldata', args: [], mutating: false });
    expect(ran).toEqual(['pg_controldata']);
  });

  it('a node with ssh and no ssh factory is a clear error', () => {
    expect(() => runnerForNode(remote, { readOnly: false })).toThrow('node db2 is reached over ssh (admin@db2.example)');
  });
});

import { execa } from 'execa';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchPlanSignals } from '../../src/commands/planSignals.js';
import { runPlanCommand } from '../../src/commands/runPlanCommand.js';
import { configSchema } from '../../src/services/config/schema.js';
import type { PlanStep } from '../../src/services/runbooks/plan.js';
import type { SqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { waitFor } from '../support/waitFor.js';
import type { CancelRunbook } from './cancelRunbook.js';
import { cancelRunbook, pgrep } from './cancelRunbook.js';

const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/nonexistent' }] });
const sessions: SqlSessions = { query: async () => [], reset: async () => undefined, close: async () => undefined };

/** Removes the signal handlers a test added, and only those. */
function restoreSignalHandlers(before: Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', Function[]>) {
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    for (const listener of process.listeners(name)) if (!before[name].includes(listener)) process.off(name, listener);
  }
}

describe('the CLI: SIGINT during a cancellable step cancels it with its undo', () => {
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM'), SIGHUP: process.listeners('SIGHUP') };
  let stateHome: string;
  let runbook: CancelRunbook | undefined;
  const out: string[] = [];
  const err: string[] = [];
  beforeEach(async () => {
    stateHome = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-cancel-cli-'));
    vi.stubEnv('XDG_STATE_HOME', stateHome);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    restoreSignalHandlers(before);
    process.exitCode = undefined;
    out.length = 0;
    err.length = 0;
    await rm(stateHome, { recursive: true, force: true });
    if (runbook) await rm(runbook.dir, { recursive: true, force: true });
  });

  it('kills the sleep, runs the undo, prints and records what was undone, exits 130', async () => {
    runbook = await cancelRunbook({ secondCancellable: true, retryCommand: 'pgcockpit copy pg1 --yes' });
    const running = runPlanCommand({
      command: 'copy',
      confirmVerb: 'copy it',
      flags: { dryRun: false, yes: true, readOnly: false },
      config,
      plan: runbook.plan,
      succeeded: () => 'copied',
      sessions,
    });
    await waitFor(async () => (await pgrep(runbook!.sleepLine)).length > 0, 'the long step to run');
    process.emit('SIGINT', 'SIGINT');
    await running;
    const stdout = out.join('');
    const stderr = err.join('');
    expect(process.exitCode, `${stdout}\n${stderr}`).toBe(130);
    expect(await pgrep(runbook.sleepLine)).toEqual([]);
    expect(await runbook.written()).toEqual(['made', 'undo 2', 'undo 1']);
    expect(stderr).toContain('pgcockpit: SIGINT: cancelling the copy: step 2/3 (copy the data (long)) on pg1 is stopped half-way (its processes killed), then the undo of what was done runs');
    expect(stdout).toMatch(/^undo 1\/2 on pg1: remove the partial copy \(undoes step 2\)$/m);
    expect(stdout).toMatch(/^■ test runbook: copy into pg1: cancelled at step 2\/3 \(SIGINT\); undone: step 2 \(copy the data \(long\)\), step 1 \(make the work directory\)$/m);
    expect(stderr).toContain(
      'pgcockpit: copy cancelled by SIGINT at step 2/3 (copy the data (long)); undone: step 2 (copy the data (long)), step 1 (make the work directory); state left: nothing is left changed',
    );
    expect(stderr).toContain('; to retry: pgcockpit copy pg1 --yes');
    const journal = (await readFile(path.join(stateHome, 'pgcockpit', 'audit.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(journal.at(-1)).toMatchObject({ kind: 'outcome', outcome: 'cancelled', step: 2, signal: 'SIGINT', undone: ['step 2 (copy the data (long))', 'step 1 (make the work directory)'] });
    expect(journal.filter((entry) => entry.kind === 'step' && entry.undoOf !== undefined).map((entry) => `${entry.undoOf}:${entry.phase}`)).toEqual(['2:started', '2:succeeded', '1:started', '1:succeeded']);
  });

  it('the signals: a cancellable step is cancelled (not SIGHUP), a step that must finish is interrupted after it; later ones say what is finishing', () => {
    const copy: PlanStep = { node: 'pg1', description: 'copy the data', detail: 'pg_basebackup ...', mutating: true, cancellable: true, run: async () => undefined };
    const undo: PlanStep = { node: 'pg1', description: 'move the partial copy aside', detail: 'mv ...', mutating: true, run: async () => undefined };
    const said: string[] = [];
    const signals = watchPlanSignals('rebuild', (text) => said.push(text));
    signals.onStep({ number: 2, total: 3, step: copy, phase: 'started' });
    process.emit('SIGTERM', 'SIGTERM');
    expect(signals.cancel.aborted).toBe(true);
    expect(signals.interruption.aborted).toBe(false);
    signals.onStep({ number: 2, total: 3, step: copy, phase: 'ended' });
    signals.onStep({ number: 1, total: 1, step: undo, undoOf: 2, phase: 'started' });
    process.emit('SIGINT', 'SIGINT');
    expect(said).toEqual([
      'pgcockpit: SIGTERM: cancelling the rebuild: step 2/3 (copy the data) on pg1 is stopped half-way (its processes killed), then the undo of what was done runs',
      'pgcockpit: SIGINT again: undoing (undo 1/1: move the partial copy aside on pg1); an undo is not stopped half-way, the rebuild ends when the undo does',
    ]);
    restoreSignalHandlers(before);

    const hup = watchPlanSignals('rebuild', () => undefined);
    hup.onStep({ number: 2, total: 3, step: copy, phase: 'started' });
    process.emit('SIGHUP', 'SIGHUP');
    expect(hup.cancel.aborted).toBe(false);
    expect(hup.interruption.reason).toBe('SIGHUP');
  });
});

describe('the CLI as a process: SIGINT during the long step', () => {
  it('exits 130 after killing the sleep and running the undo; stdout, stderr and the journal say what was undone', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-cancel-child-'));
    await chmod(dir, 0o777); // the steps run as postgres
    const seconds = `300.${String(Math.random()).slice(2, 12)}`;
    try {
      const child = execa('node', [path.resolve('test/runbooks/fixtures/cancelCliChild.mjs'), dir, seconds], { reject: false, env: { XDG_STATE_HOME: dir }, stdin: 'ignore' });
      await waitFor(async () => (await pgrep(`sleep ${seconds}`)).length > 0, 'the long step to run');
      child.kill('SIGINT');
      const result = await child;
      const output = `${String(result.stdout)}\n${String(result.stderr)}`;
      expect(result.exitCode, output).toBe(130);
      expect(await pgrep(`sleep ${seconds}`)).toEqual([]);
      expect((await readFile(path.join(dir, 'log'), 'utf8')).trim().split('\n')).toEqual(['made', 'undo 2', 'undo 1']);
      expect(String(result.stdout)).toMatch(/^■ test runbook: copy into pg1: cancelled at step 2\/3 \(SIGINT\); undone: step 2 \(copy the data \(long\)\), step 1 \(make the work directory\)$/m);
      expect(String(result.stderr)).toMatch(/^pgcockpit: copy cancelled by SIGINT at step 2\/3 \(copy the data \(long\)\); undone: step 2 .*; to retry: pgcockpit copy pg1 --yes$/m);
      const journal = (await readFile(path.join(dir, 'pgcockpit', 'audit.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(journal.at(-1)).toMatchObject({ kind: 'outcome', outcome: 'cancelled', signal: 'SIGINT', undone: ['step 2 (copy the data (long))', 'step 1 (make the work directory)'] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import type { PlanAudit } from '../../src/services/runbooks/executePlan.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { planEventLines } from '../../src/services/runbooks/planEvents.js';
import type { SqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { waitFor } from '../support/waitFor.js';
import type { CancelRunbook } from './cancelRunbook.js';
import { cancelRunbook, pgrep } from './cancelRunbook.js';

const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/nonexistent' }] });
const sessions: SqlSessions = { query: async () => [], reset: async () => undefined, close: async () => undefined };

function journal(): PlanAudit & { entries: Array<Record<string, unknown>> } {
  const entries: Array<Record<string, unknown>> = [];
  const keep = async (kind: string, entry: object) => void entries.push({ kind, ...entry });
  return {
    entries,
    recordPlan: (title) => keep('plan', { title }),
    recordStep: (entry) => keep('step', entry),
    recordCommand: (entry) => keep('command', entry),
    recordOutcome: (entry) => keep('outcome', entry),
  };
}

const made: CancelRunbook[] = [];
afterEach(async () => {
  for (const runbook of made.splice(0)) await rm(runbook.dir, { recursive: true, force: true });
});

describe('cancel with undo (local runner)', () => {
  it('a cancel during a cancellable step kills its process tree, runs the undo of what was done last first, and says so', async () => {
    const runbook = await cancelRunbook({ secondCancellable: true, retryCommand: 'pgcockpit copy pg1 --yes' });
    made.push(runbook);
    const runners = createNodeRunners(config, { readOnly: false });
    const audit = journal();
    const events: PlanEvent[] = [];
    const cancel = new AbortController();
    try {
      const running = executePlan(runbook.plan, { config, readOnly: false, sessions, runners, audit, cancel: cancel.signal, onEvent: (event) => events.push(event) });
      await waitFor(async () => (await pgrep(runbook.sleepLine)).length > 0, 'the long step to run');
      cancel.abort('SIGINT');
      const outcome = await running;

      expect(outcome).toMatchObject({
        succeeded: false,
        completedSteps: 1,
        cancelled: { stoppedStep: 2, afterStep: 1, signal: 'SIGINT', undone: ['step 2 (copy the data (long))', 'step 1 (make the work directory)'], next: 'to retry: pgcockpit copy pg1 --yes' },
      });
      expect(outcome.advice).toBe('nothing is left changed: what step 2 (copy the data (long)), step 1 (make the work directory) did was undone');
      // The undo ran, last done first; step 2's shell did not go on after its sleep, step 3 never ran.
      expect(await runbook.written()).toEqual(['made', 'undo 2', 'undo 1']);
      expect(await pgrep(runbook.sleepLine)).toEqual([]);

      const lines = events.flatMap(planEventLines);
      expect(lines.join('\n')).toMatch(/^step 2\/3 ■ cancelled \(SIGINT\): copy the data \(long\) on pg1 was stopped half-way, its processes killed \(.+ in all\)$/m);
      expect(lines).toContain('↺ undoing what was done: 2 undo steps, last done first');
      expect(lines).toContain('undo 1/2 on pg1: remove the partial copy (undoes step 2)');
      expect(lines).toContain('undo 2/2 on pg1: remove the work directory (undoes step 1)');
      expect(lines).toContain('■ test runbook: copy into pg1: cancelled at step 2/3 (SIGINT); undone: step 2 (copy the data (long)), step 1 (make the work directory)');
      expect(lines).toContain('  next: to retry: pgcockpit copy pg1 --yes');
      expect(events.at(-1)).toMatchObject({ type: 'outcome', succeeded: false });

      // The journal: the step cancelled, each undo as a step with its command, the outcome with what was undone.
      expect(audit.entries.filter((entry) => entry.kind === 'step').map((entry) => `${entry.undoOf ? `undo of ${entry.undoOf} ` : ''}${entry.step} ${entry.phase}`)).toEqual([
        '1 started',
        '1 succeeded',
        '2 started',
        '2 cancelled',
        'undo of 2 1 started',
        'undo of 2 1 succeeded',
        'undo of 1 2 started',
        'undo of 1 2 succeeded',
      ]);
      expect(audit.entries.find((entry) => entry.kind === 'command' && String(entry.title).includes('step 2/3'))).toMatchObject({ outcome: 'cancelled' });
      expect(audit.entries.at(-1)).toMatchObject({ kind: 'outcome', outcome: 'cancelled', step: 2, signal: 'SIGINT', undone: ['step 2 (copy the data (long))', 'step 1 (make the work directory)'] });
    } finally {
      await runners.close();
    }
  });

  it('a cancel during a step that must not be stopped half-way is refused: the step finishes, the plan stops after it, nothing is undone', async () => {
    const runbook = await cancelRunbook({ secondCancellable: false });
    made.push(runbook);
    const runners = createNodeRunners(config, { readOnly: false });
    const events: PlanEvent[] = [];
    const cancel = new AbortController();
    try {
      const running = executePlan(runbook.plan, { config, readOnly: false, sessions, runners, cancel: cancel.signal, onEvent: (event) => events.push(event) });
      await waitFor(() => events.some((event) => event.type === 'job-output' && event.number === 2), 'the long step to run');
      cancel.abort('SIGTERM');
      await waitFor(() => events.some((event) => event.type === 'cancel-refused'), 'the refusal');
      await runbook.go();
      const outcome = await running;
      expect(outcome).toMatchObject({ succeeded: false, completedSteps: 2, interrupted: { afterStep: 2, signal: 'SIGTERM' } });
      expect(outcome.cancelled).toBeUndefined();
      expect(await runbook.written()).toEqual(['made', 'long done']);
      const lines = events.flatMap(planEventLines);
      expect(lines).toContain('step 2/3 ⚠ cancel refused: promote-like step (must finish) cannot be stopped half-way; it finishes, then the plan stops');
      expect(lines.some((line) => line.startsWith('■ interrupted after step 2/3: promote-like step (must finish) (SIGTERM)'))).toBe(true);
    } finally {
      await runners.close();
    }
  });

  it('a cancel between steps undoes what was done; before the first step nothing was changed', async () => {
    const runbook = await cancelRunbook({ secondCancellable: true });
    made.push(runbook);
    const runners = createNodeRunners(config, { readOnly: false });
    const cancel = new AbortController();
    cancel.abort();
    try {
      const outcome = await executePlan(runbook.plan, { config, readOnly: false, sessions, runners, cancel: cancel.signal });
      expect(outcome).toMatchObject({ completedSteps: 0, cancelled: { afterStep: 0, undone: [], next: 'to retry: plan the test runbook: copy into pg1 again' }, advice: 'nothing was changed' });
      expect(await runbook.written()).toEqual([]);
    } finally {
      await runners.close();
    }
  });
});

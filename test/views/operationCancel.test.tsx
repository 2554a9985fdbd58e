import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { cancelOperationQuestion } from '../../src/views/stopJobQuestion.js';
import { cancelRunbook, pgrep } from '../runbooks/cancelRunbook.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { waitFor } from '../support/waitFor.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/nonexistent' }] });

describe('cancelling a runbook from the cockpit', () => {
  it('Esc in the log asks first; n keeps it; Esc then y stops the long step (its process gone), runs the undo, and the log says what was undone', async () => {
    const runbook = await cancelRunbook({ secondCancellable: true, retryCommand: 'pgcockpit copy pg1 --yes' });
    const { store, plainFrame, press } = renderCockpit({ config });
    const stop = bindOperationsToStore(store, config, { audit: { recordPlan: async () => undefined }, preparers: { switchover: async () => runbook.plan } });
    try {
      store.getState().requestOperation('switchover', 'pg1');
      await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'confirm');
      store.getState().typeConfirmation('pg1');
      store.getState().confirmOperation();
      await waitFor(async () => (await pgrep(runbook.sleepLine)).length > 0, 'the long step to run');
      await waitForFrame(plainFrame, (text) => text.includes('step 2/3'));

      await press(KEY.tab); // the log: the job view, where Esc is the stop key
      await press(KEY.escape);
      const question = cancelOperationQuestion(store.getState().operation!);
      expect(question).toBe(
        'Cancel the switchover of pg1? step 2/3 (copy the data (long)) on pg1 is stopped half-way and the undo of what was done runs. y cancels it, n or Esc keeps it running',
      );
      await waitForFrame(plainFrame, (text) => text.includes(question.slice(0, 60)));
      await press('n');
      expect(store.getState()).toMatchObject({ stopJobPrompt: null, operation: { phase: 'running' } });
      expect(store.getState().operation?.cancelRequested).toBeUndefined();

      await press(KEY.escape);
      await waitForFrame(plainFrame, (text) => text.includes(question.slice(0, 60)));
      await press('y');
      await waitFor(() => store.getState().operation?.phase === 'failed', 'the cancel to end', 20_000);
      expect(await pgrep(runbook.sleepLine)).toEqual([]);
      expect(await runbook.written()).toEqual(['made', 'undo 2', 'undo 1']);
      const log = store.getState().log.map((line) => line.text);
      expect(log).toContain('undo 1/2 on pg1: remove the partial copy (undoes step 2)');
      expect(log).toContain('■ test runbook: copy into pg1: cancelled at step 2/3; undone: step 2 (copy the data (long)), step 1 (make the work directory)');
      expect(log).toContain('  next: to retry: pgcockpit copy pg1 --yes');
      expect(store.getState().operation?.error).toBe(
        'cancelled at step 2/3 (copy the data (long)); undone: step 2 (copy the data (long)), step 1 (make the work directory); state left: nothing is left changed: what step 2 (copy the data (long)), step 1 (make the work directory) did was undone; to retry: pgcockpit copy pg1 --yes',
      );
      expect(store.getState().jobs.find((job) => job.title.includes('step 2/3'))).toMatchObject({ status: 'cancelled' });
    } finally {
      await stop();
      await rm(runbook.dir, { recursive: true, force: true });
    }
  });

  it('Ctrl-C during a step that must not be stopped half-way asks nothing: it says so, the step finishes', async () => {
    const runbook = await cancelRunbook({ secondCancellable: false });
    const { store, plainFrame, press } = renderCockpit({ config });
    const stop = bindOperationsToStore(store, config, { audit: { recordPlan: async () => undefined }, preparers: { switchover: async () => runbook.plan } });
    try {
      store.getState().requestOperation('switchover', 'pg1');
      await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'confirm');
      store.getState().typeConfirmation('pg1');
      store.getState().confirmOperation();
      await waitFor(() => store.getState().operation?.step?.number === 2 && store.getState().jobs.some((job) => job.status === 'running'), 'the long step to run');
      await press(KEY.ctrlC);
      await waitForFrame(plainFrame, (text) => text.includes('switchover of pg1 is running: it is not stopped half-way'));
      expect(store.getState()).toMatchObject({ stopJobPrompt: null });
      await runbook.go();
      await waitFor(() => store.getState().operation?.phase === 'done', 'the plan to finish', 20_000);
      expect(await runbook.written()).toEqual(['made', 'long done', 'step 3']);
    } finally {
      await stop();
      await rm(runbook.dir, { recursive: true, force: true });
    }
  });
});

import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import type { Plan } from '../../src/services/runbooks/plan.js';
import { basebackupProgressFraction } from '../../src/services/runner/progress/basebackupProgress.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { progressBarText } from '../../src/views/progressBarText.js';
import { operationRunningNotice } from '../../src/views/runCommand.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/nonexistent' }] });

/** A runbook whose one step runs a copy that reports half done, then waits for `go` to appear. */
function copyPlan(go: string): Plan {
  const script = `printf ' 500/1000 kB (50%%), 0/1 tablespace\\n'; while [ ! -e '${go}' ]; do sleep 0.05; done; echo copied`;
  return {
    title: 'test runbook',
    target: 'pg1',
    checks: [],
    steps: [
      {
        node: 'pg1',
        description: 'copy',
        detail: script,
        mutating: false,
        async run(ctx) {
          await ctx.command('pg1', { program: 'sh', args: ['-c', script], env: { LC_MESSAGES: 'C' }, mutating: false }, { parseProgress: basebackupProgressFraction });
          return 'copied';
        },
      },
    ],
    blocked: false,
    blockedReasons: [],
    confirmWord: 'pg1',
    warnings: [],
  };
}

describe("the job bar while a runbook's step runs a command", () => {
  it('shows the command as a job with its progress; Ctrl-C says the operation is not stopped half-way; the bar goes when it ends', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-jobbar-'));
    await chmod(dir, 0o755); // the step runs as postgres
    const go = path.join(dir, 'go');
    const { store, plainFrame, press } = renderCockpit({ config });
    const stop = bindOperationsToStore(store, config, {
      audit: { recordPlan: async () => undefined },
      preparers: { switchover: async () => copyPlan(go) },
    });
    try {
      store.getState().requestOperation('switchover', 'pg1');
      await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'confirm');
      store.getState().typeConfirmation('pg1');
      store.getState().confirmOperation();

      const frame = await waitForFrame(plainFrame, (text) => text.includes('▶ JOB') && text.includes(progressBarText(0.5)), 10_000);
      expect(frame).toContain('sh (test runbook, step 1/1) on pg1');
      expect(store.getState().jobs).toMatchObject([{ title: 'sh (test runbook, step 1/1)', status: 'running', progress: 0.5 }]);

      await press(KEY.ctrlC);
      await waitForFrame(plainFrame, (text) => text.includes(operationRunningNotice({ kind: 'switchover', target: 'pg1' }).slice(0, 40)));
      expect(store.getState()).toMatchObject({ stopJobPrompt: null, cancelRequested: [] });

      await writeFile(go, '');
      await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'done', 10_000);
      expect(store.getState().jobs).toMatchObject([{ status: 'succeeded', exitCode: 0 }]);
      await waitForFrame(plainFrame, (text) => !text.includes('▶ JOB'));
      expect(store.getState().log.map((line) => line.text)).toContain('step 1/1   copied');
    } finally {
      await stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

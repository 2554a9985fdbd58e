import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { configSchema } from '../../src/services/config/schema.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { planEventLines } from '../../src/services/runbooks/planEvents.js';
import type { SqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { runCommand } from '../../src/views/runCommand.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { waitFor } from '../support/waitFor.js';
import { testSshEnvironment } from '../ssh/sshTestEnv.js';
import { cancelRunbook, pgrep } from './cancelRunbook.js';

const sessions: SqlSessions = { query: async () => [], reset: async () => undefined, close: async () => undefined };

/**
 * Cancel over ssh (a real sshd on loopback; the "remote" host is this
 * machine, so pgrep sees its processes): pg1's steps run as postgres through
 * ssh + sudo, the long one is stopped half-way by killing its remote process
 * group, and the undo runs over the same connection.
 */
describe('cancel with undo over ssh', () => {
  let sshd: TestSshd;
  let home: string;
  let config: CockpitConfig;

  beforeAll(async () => {
    [sshd, home] = await Promise.all([startSshd(), scratchHome()]);
    const env = testSshEnvironment(home);
    await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
    config = configSchema.parse({
      cluster: 't',
      nodes: [{ name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/nonexistent', ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile } }],
    });
  });
  afterAll(async () => {
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it('CLI-style (executePlan with the cancel signal): the remote sleep is killed, the undo runs over ssh, no process is left', async () => {
    const runbook = await cancelRunbook({ secondCancellable: true });
    const runners = createNodeRunners(config, { readOnly: false, sshEnvironment: testSshEnvironment(home) });
    const events: PlanEvent[] = [];
    const cancel = new AbortController();
    try {
      const running = executePlan(runbook.plan, { config, readOnly: false, sessions, runners, cancel: cancel.signal, onEvent: (event) => events.push(event) });
      await waitFor(async () => (await pgrep(runbook.sleepLine)).length > 0, 'the long step to run over ssh');
      cancel.abort('SIGINT');
      const outcome = await running;
      const lines = events.flatMap(planEventLines).join('\n');
      expect(outcome.cancelled, lines).toMatchObject({ stoppedStep: 2, undone: ['step 2 (copy the data (long))', 'step 1 (make the work directory)'], nothingLeftChanged: true });
      expect(await runbook.written()).toEqual(['made', 'undo 2', 'undo 1']);
      expect(await pgrep(runbook.sleepLine)).toEqual([]);
      expect(lines).toMatch(/▶ sh \(test runbook: copy into pg1, step 2\/3\) on pg1 — ssh root@127\.0\.0\.1/);
      const jobs = events.filter((event) => event.type === 'job-started').map((event) => event.job.where);
      expect(jobs.every((where) => where.startsWith('ssh '))).toBe(true);
    } finally {
      await runners.close();
      await fs.rm(runbook.dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('TUI-style (the glue and the store): Ctrl-C asks, y cancels; the remote sleep is killed and the undo runs', async () => {
    const runbook = await cancelRunbook({ secondCancellable: true });
    const store = createCockpitStore(config);
    const stop = bindOperationsToStore(store, config, {
      audit: { recordPlan: async () => undefined },
      preparers: { switchover: async () => runbook.plan },
      sshEnvironment: testSshEnvironment(home),
    });
    const screen = { quit: () => undefined, logPage: 10 };
    try {
      store.getState().requestOperation('switchover', 'pg1');
      await waitFor(() => store.getState().operation?.phase === 'confirm', 'the plan');
      store.getState().typeConfirmation('pg1');
      store.getState().confirmOperation();
      await waitFor(async () => (await pgrep(runbook.sleepLine)).length > 0, 'the long step to run over ssh');
      runCommand('stopJob', '', store.getState(), screen);
      expect(store.getState().stopJobPrompt).toBe('operation');
      runCommand('confirmStopJob', 'y', store.getState(), screen);
      await waitFor(() => store.getState().operation?.phase === 'failed', 'the operation to end', 30_000);
      const log = store.getState().log.map((line) => line.text).join('\n');
      expect(await runbook.written(), log).toEqual(['made', 'undo 2', 'undo 1']);
      expect(await pgrep(runbook.sleepLine)).toEqual([]);
      expect(log).toContain('■ test runbook: copy into pg1: cancelled at step 2/3; undone: step 2 (copy the data (long)), step 1 (make the work directory)');
      expect(store.getState().operation?.error).toMatch(/^cancelled at step 2\/3 \(copy the data \(long\)\); undone: step 2/);
    } finally {
      await stop();
      await fs.rm(runbook.dir, { recursive: true, force: true });
    }
  }, 60_000);
});

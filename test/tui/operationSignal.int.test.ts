import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { pgCtlIsRunning } from '../../src/services/postgres/pgCtl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

/**
 * The cockpit gets SIGHUP (the DBA's ssh session to the jump host dropped) or
 * SIGTERM while a switchover runs: the running step finishes, no later one
 * starts, the journal records the interruption, and the DBA is told the
 * state left and the command that reverses it.
 */
describe('a signal to the cockpit while a switchover runs', () => {
  let cluster: TestCluster;
  let stopGlue: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    cluster = await startTestCluster(2);
  });
  afterAll(async () => {
    await stopGlue?.();
    await cluster?.destroy();
  });

  it('SIGHUP during step 2 (stopping pg1): the stop finishes, nothing is promoted, and the advice names the start command', async () => {
    const store = createCockpitStore(cluster.config);
    const journalFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-')), 'audit.jsonl');
    const glue = bindOperationsToStore(store, cluster.config, { audit: new AuditJournal({ file: journalFile }) });
    stopGlue = glue;
    store.getState().requestOperation('switchover', 'pg2');
    await waitFor(() => store.getState().operation?.phase === 'confirm', 'the switchover plan', 30_000);
    expect(store.getState().operation?.plan?.blocked).toBe(false);
    store.getState().typeConfirmation('pg2');
    store.getState().confirmOperation();
    await waitFor(() => store.getState().log.some((line) => line.text.startsWith('step 2/')), 'step 2 started', 30_000, 2);

    const said = await glue.interruptRunning('SIGHUP');
    expect(said).toMatch(/switchover: make pg2 the primary.*interrupted by SIGHUP after the running step finished\. State left: .*pg_ctl .*start/);
    const log = store.getState().log.map((line) => line.text).join('\n');
    expect(log).toMatch(/■ interrupted after step 2\/\d+/);
    expect(log).not.toMatch(/step 3\/\d+ on/);
    // The servers: pg1 stopped cleanly (the step was not cut off), pg2 still a standby.
    expect(await pgCtlIsRunning({ pgBinDir: cluster.pgBinDir, dataDir: cluster.layout.dataDir('pg1'), runner: localRunner(cluster.osUser) })).toBe(false);
    expect((await cluster.query('pg2', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(true);
    expect(await readFile(journalFile, 'utf8')).toMatch(/"outcome":"interrupted"/);
  }, 120_000);
});

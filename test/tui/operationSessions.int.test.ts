import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const RUNBOOK_SESSIONS = "select pid, backend_start from pg_stat_activity where application_name = 'pgcockpit runbook'";

describe('the cockpit opens a plan\'s sessions while the modal shows it', () => {
  let cluster: TestCluster;
  let stopGlue: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster(2);
  });
  afterAll(async () => {
    await stopGlue?.();
    await cluster?.destroy();
  });

  it('a cancelled plan closes them; a confirmed failover promotes over the session opened before the confirmation, then closes it', async () => {
    await pgCtlStop({ pgBinDir: cluster.pgBinDir, dataDir: cluster.node('pg1').dataDir ?? '', runner: localRunner(cluster.osUser) }, 'fast');
    await waitFor(async () => (await cluster.query('pg2', "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 0, 'pg2 no longer streaming');
    // pg2's log names the backend (log_line_prefix '%m [%p] ...') that ran each statement.
    await cluster.query('pg2', "alter system set log_statement = 'all'");
    await cluster.query('pg2', 'select pg_reload_conf()');

    const store = createCockpitStore(cluster.config);
    const journalFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-')), 'audit.jsonl');
    stopGlue = bindOperationsToStore(store, cluster.config, { audit: new AuditJournal({ file: journalFile }) });

    // Planned, shown, then Esc: the session opened for it ends.
    store.getState().requestOperation('failover', 'pg2');
    await waitFor(() => store.getState().operation?.phase !== 'planning', 'the failover plan', 30_000);
    expect(store.getState().operation?.phase, store.getState().operation?.error).toBe('confirm');
    expect(await cluster.query('pg2', RUNBOOK_SESSIONS)).toHaveLength(1);
    store.getState().cancelOperation();
    await waitFor(async () => (await cluster.query('pg2', RUNBOOK_SESSIONS)).length === 0, 'the cancelled plan\'s session to end');

    // Planned again and confirmed.
    store.getState().requestOperation('failover', 'pg2');
    await waitFor(() => store.getState().operation?.phase !== 'planning', 'the failover plan', 30_000);
    const opened = await cluster.query<{ pid: number; backend_start: Date }>('pg2', RUNBOOK_SESSIONS);
    expect(opened).toHaveLength(1);
    const confirmedAt = Date.now();
    store.getState().typeConfirmation('pg2');
    store.getState().confirmOperation();
    await waitFor(() => ['done', 'failed'].includes(store.getState().operation?.phase ?? ''), 'the failover to end', 90_000, 50);
    const log = store.getState().log.map((line) => line.text).join('\n');
    expect(store.getState().operation?.phase, log).toBe('done');
    expect(opened[0]!.backend_start.getTime()).toBeLessThan(confirmedAt);

    // The backend that ran pg_promote is the one opened while the plan was on screen.
    const serverLog = await readFile(cluster.layout.logFile('pg2'), 'utf8');
    const promoters = [...serverLog.matchAll(/\[(\d+)\][^\n]*statement: select pg_promote/g)].map((match) => Number(match[1]));
    expect(promoters).toEqual([opened[0]!.pid]);
    // And it is closed with the plan.
    await waitFor(async () => (await cluster.query('pg2', RUNBOOK_SESSIONS)).length === 0, 'the runbook session to end');
    expect((await cluster.query('pg2', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(false);
  });
});

import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import { expectStatusAlerts } from '../support/statusAlerts.js';

describe('the operations glue on a real cluster', () => {
  let cluster: TestCluster;
  let stopGlue: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster(3);
  });
  afterAll(async () => {
    await stopGlue?.();
    await cluster?.destroy();
  });

  it('plans a failover to pg2 when pg1 is stopped, runs it on the typed name, streams the steps and marks pg1 for a rebuild', async () => {
    await pgCtlStop({ pgBinDir: cluster.pgBinDir, dataDir: cluster.node('pg1').dataDir ?? '', runner: localRunner(cluster.osUser) }, 'fast');
    for (const standby of ['pg2', 'pg3']) {
      await waitFor(
        async () => (await cluster.query(standby, "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 0,
        `${standby} no longer streaming from the stopped pg1`,
      );
    }

    const store = createCockpitStore(cluster.config);
    const journalFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-')), 'audit.jsonl');
    stopGlue = bindOperationsToStore(store, cluster.config, { audit: new AuditJournal({ file: journalFile }) });
    const refreshesBefore = store.getState().refreshRequests;

    store.getState().requestOperation('failover', 'pg2');
    await waitFor(() => store.getState().operation?.phase !== 'planning', 'the failover plan', 30_000);
    const planned = store.getState().operation!;
    expect(planned.phase, planned.error).toBe('confirm');
    expect(planned.plan).toMatchObject({ title: 'failover: promote pg2 to primary', blocked: false, confirmWord: 'pg2', offersSwitchover: false });
    expect(planned.plan!.checks.find((check) => check.label.startsWith('pg1 is gone'))).toMatchObject({ status: 'ok', observed: expect.stringContaining('no server running') });
    expect(planned.plan!.steps.map((step) => step.detail).join('\n')).toContain('select pg_promote(wait => false)');

    // A wrong name confirms nothing.
    store.getState().typeConfirmation('pg3');
    store.getState().confirmOperation();
    expect(store.getState().operation?.phase).toBe('confirm');

    store.getState().typeConfirmation('pg2');
    store.getState().confirmOperation();
    expect(store.getState().operation?.phase).toBe('running');
    await waitFor(() => ['done', 'failed'].includes(store.getState().operation?.phase ?? ''), 'the failover to end', 90_000, 50);

    const log = store.getState().log.map((line) => line.text).join('\n');
    expect(store.getState().operation, log).toMatchObject({ phase: 'done' });
    expect(log).toMatch(/step 1\/\d+ on pg2/);
    expect(log).toMatch(/✓ failover: promote pg2 to primary: all \d+ steps done/);
    expect(store.getState().needsRebuild).toEqual(['pg1']);
    expect(store.getState().refreshRequests).toBeGreaterThan(refreshesBefore);

    // The database, not only the store: pg2 takes writes now, and the plan is in the journal.
    expect((await cluster.query('pg2', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(false);
    expect(await readFile(journalFile, 'utf8')).toContain('failover: promote pg2 to primary');
    await expectStatusAlerts(cluster.layout.configFile, ['node-down pg1']);
  });
});

describe('the operations glue on a real cluster: a paused replay on the target', () => {
  let cluster: TestCluster;
  let stopGlue: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster(2);
  });
  afterAll(async () => {
    await stopGlue?.();
    await cluster?.destroy();
  });

  it('refuses the failover with the offer to resume it; planned again with resumeReplay chosen, it resumes replay first and promotes pg2', async () => {
    await cluster.query('pg2', 'select pg_wal_replay_pause()');
    await waitFor(async () => (await cluster.query('pg2', 'select pg_is_wal_replay_paused() as p'))[0]?.p === true, 'replay paused on pg2');
    await pgCtlStop({ pgBinDir: cluster.pgBinDir, dataDir: cluster.node('pg1').dataDir ?? '', runner: localRunner(cluster.osUser) }, 'fast');
    await waitFor(
      async () => (await cluster.query('pg2', "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 0,
      'pg2 no longer streaming from the stopped pg1',
    );

    const store = createCockpitStore(cluster.config);
    const journalFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-')), 'audit.jsonl');
    stopGlue = bindOperationsToStore(store, cluster.config, { audit: new AuditJournal({ file: journalFile }) });

    store.getState().requestOperation('failover', 'pg2');
    await waitFor(() => store.getState().operation?.phase !== 'planning', 'the failover plan', 30_000);
    const refused = store.getState().operation!;
    expect(refused.phase, refused.error).toBe('confirm');
    expect(refused.choices).toEqual({});
    expect(refused.plan).toMatchObject({ blocked: true, resumeReplayOffer: true, offersSwitchover: false, steps: [] });
    expect(refused.plan!.checks.find((check) => check.label === 'WAL replay is not paused')).toMatchObject({ status: 'fail' });
    // Refused: the name confirms nothing.
    store.getState().typeConfirmation('pg2');
    store.getState().confirmOperation();
    expect(store.getState().operation?.phase).toBe('confirm');

    // Ctrl-R in the modal.
    store.getState().replanOperation({ resumeReplay: true });
    expect(store.getState().operation).toMatchObject({ id: refused.id + 1, phase: 'planning', typed: '', choices: { resumeReplay: true } });
    await waitFor(() => store.getState().operation?.phase !== 'planning', 'the failover plan with the resume', 30_000);
    const planned = store.getState().operation!;
    expect(planned.phase, planned.error).toBe('confirm');
    expect(planned.plan).toMatchObject({ blocked: false, resumeReplayOffer: false, confirmWord: 'pg2' });
    expect(planned.plan!.checks.find((check) => check.label === 'WAL replay is not paused')).toMatchObject({ status: 'warn' });
    expect(planned.plan!.steps[0]?.detail).toBe('select pg_wal_replay_resume()');

    store.getState().typeConfirmation('pg2');
    store.getState().confirmOperation();
    expect(store.getState().operation?.phase).toBe('running');
    await waitFor(() => ['done', 'failed'].includes(store.getState().operation?.phase ?? ''), 'the failover to end', 90_000, 50);

    const log = store.getState().log.map((line) => line.text).join('\n');
    expect(store.getState().operation, log).toMatchObject({ phase: 'done' });
    expect((await cluster.query('pg2', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(false);
    const journal = await readFile(journalFile, 'utf8');
    expect(journal).toContain('failover: promote pg2 to primary (refused)');
    expect(journal).toContain('pg_wal_replay_resume()');
  });
});

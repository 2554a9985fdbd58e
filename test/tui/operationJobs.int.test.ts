import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { waitFor } from '../support/waitFor.js';

/**
 * A real runbook's commands are jobs: a switchover through the cockpit's glue
 * on a cluster built by hand (the password in primary_conninfo, which the
 * rejoin hands to its command through the environment) shows each pg_ctl as
 * a job with its record, its output tagged with it, and nothing unmasked.
 */
describe("a switchover's commands in the cockpit", () => {
  let cluster: HandBuiltCluster | undefined;
  let stopGlue: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stopGlue?.();
    await cluster?.destroy();
  });

  it('each command is a job: pg1 stopped and started by pg_ctl jobs with their exit status, output masked, journal written', async () => {
    cluster = await startHandBuiltCluster({ standbys: 1 });
    const store = createCockpitStore(cluster.config);
    const journalFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-')), 'audit.jsonl');
    stopGlue = bindOperationsToStore(store, cluster.config, { audit: new AuditJournal({ file: journalFile }) });

    store.getState().requestOperation('switchover', 'pg2');
    await waitFor(() => store.getState().operation?.phase !== 'planning', 'the switchover plan', 60_000);
    const planned = store.getState().operation!;
    expect(planned.plan?.blocked, planned.plan?.blockedReasons.join('\n') ?? planned.error).toBe(false);
    // While the plan runs, a job shows in the job bar: its record says what runs where.
    const seenRunning: string[] = [];
    const unsubscribe = store.subscribe((state) => {
      for (const job of state.jobs) if (job.status === 'running' && !seenRunning.includes(job.title)) seenRunning.push(job.title);
    });
    store.getState().typeConfirmation(planned.plan!.confirmWord);
    store.getState().confirmOperation();
    await waitFor(() => ['done', 'failed'].includes(store.getState().operation?.phase ?? ''), 'the switchover to end', 180_000, 50);
    unsubscribe();

    const state = store.getState();
    const log = state.log.map((line) => line.text).join('\n');
    expect(state.operation, log).toMatchObject({ phase: 'done' });
    const pgCtlJobs = state.jobs.filter((job) => job.node === 'pg1' && job.title.startsWith('pg_ctl ('));
    // stop, then start as a standby.
    expect(pgCtlJobs.length, JSON.stringify(state.jobs)).toBeGreaterThanOrEqual(2);
    expect(pgCtlJobs.every((job) => job.status === 'succeeded' && job.exitCode === 0 && job.endedAt !== undefined)).toBe(true);
    expect(seenRunning).toEqual(expect.arrayContaining(pgCtlJobs.map((job) => job.title)));
    const stopJob = pgCtlJobs[0]!;
    const stopLines = state.log.filter((line) => line.jobId === stopJob.id).map((line) => line.text);
    expect(stopLines[0]).toMatch(/^step (\d+)\/(\d+)   ▶ pg_ctl \(switchover: make pg2 the primary[^\n]*, step \1\/\2\) on pg1 — local as /);
    expect(stopLines.join('\n')).toContain('server stopped');

    // Nothing shown or recorded holds a password, though the rejoin's conninfo (in its command's environment) has one.
    for (const secret of [cluster.replicationPassword, cluster.superuserPassword, cluster.monitorPassword]) {
      expect(log).not.toContain(secret);
      expect(await readFile(journalFile, 'utf8')).not.toContain(secret);
    }
    const commands = (await readFile(journalFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.kind === 'command');
    expect(commands.some((entry) => Array.isArray(entry.envKeys) && entry.envKeys.some((key) => String(key).startsWith('PGCOCKPIT_SETTING_')))).toBe(true);
    expect(commands.filter((entry) => entry.node === 'pg1' && String(entry.program).endsWith('pg_ctl')).every((entry) => entry.outcome === 'succeeded' && entry.exitCode === 0)).toBe(true);

    // The database: pg2 is the primary, pg1 streams from it.
    expect(Object.values((await cluster.superQuery('pg2', 'select pg_is_in_recovery() as r'))[0] ?? {})[0]).toBe(false);
    await waitFor(async () => (await cluster!.superQuery('pg1', "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 1, 'pg1 streaming from pg2', 60_000);
  }, 300_000);
});

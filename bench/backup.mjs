// Logical backup speed: pgcockpit's backup runbook beside a raw `pg_dump -Fc` of the same database, in
// the same run; custom vs directory with 2 jobs; and the restore runbook beside a raw `pg_restore -j 2`.
// One 1-node sandbox with a `bench` database of BALLAST_ROWS + 100k rows (~65 MB on disk).
//   (a) raw: `pg_dump -Fc -f <scratch> bench` on this machine, as pgcockpit's backup runs it (the jump
//       host's user, the password in PGPASSWORD);
//   (b) pgcockpit: prepareBackup(config, 'pg1', { database: 'bench' }) then executePlan. Timed: its
//       pg_dump step (the same pg_dump as a job, progress parsed) and the whole plan (catalog entry, dump,
//       pg_restore --list read-back, sha256, rename, entry complete). Rounds alternate which goes first.
//   (c) the same through pgcockpit with --format directory --jobs 2;
//   (d) restore: pgcockpit's restore runbook of the last custom dump into a new database, beside a raw
//       `pg_restore -j 2 -d <new db>` of the same file.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { withNodeClient } from '../dist/services/postgres/connectNode.js';
import { nodePassword } from '../dist/services/postgres/nodePassword.js';
import { executePlan } from '../dist/services/runbooks/executePlan.js';
import { prepareBackup } from '../dist/services/runbooks/backup/prepareBackup.js';
import { prepareRestore } from '../dist/services/runbooks/restore/prepareRestore.js';
import { createNodeRunners } from '../dist/services/runner/nodeRunners.js';
import { percentile, report, startBenchCluster } from './support.mjs';

const BALLAST_ROWS = 600_000;
const ROUNDS = 5;
const TARGET_RATIO = 1.05;
const median = (values) => percentile(values, 50);
const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(0) : '?');

async function sql(cluster, database, text) {
  const node = { ...cluster.config.nodes[0], database };
  return withNodeClient(node, cluster.config, async (client) => (await client.query(text)).rows, { statementTimeoutMs: 600_000 });
}

/** A plan run as the CLI runs it; the whole plan's time and the one step whose description matches `step`. */
async function timedPlan(cluster, plan, step) {
  const runners = createNodeRunners(cluster.config, { readOnly: false });
  let stepMs = NaN;
  const startedAt = performance.now();
  try {
    const outcome = await executePlan(plan, {
      config: cluster.config,
      readOnly: false,
      runners,
      onEvent: (event) => {
        if (event.type === 'step-finished' && event.undoOf === undefined && step.test(event.step.description)) stepMs = event.stepMs;
      },
    });
    if (!outcome.succeeded) throw new Error(`${plan.title}: ${outcome.failedStep?.error ?? outcome.advice}`);
    return { planMs: performance.now() - startedAt, stepMs };
  } finally {
    await runners.close();
  }
}

export async function benchBackup() {
  const cluster = await startBenchCluster(1);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-bench-dump-'));
  try {
    await sql(cluster, 'postgres', 'create database bench');
    await sql(cluster, 'bench', `create table orders as select i as id, md5(i::text) as note, now() - i * interval '1 minute' as at from generate_series(1, ${BALLAST_ROWS}) i`);
    await sql(cluster, 'bench', "create table customers as select i as id, repeat('c', 100) as name from generate_series(1, 100000) i");
    await sql(cluster, 'bench', 'vacuum analyze');
    const [{ size }] = await sql(cluster, 'bench', 'select pg_database_size(current_database()) as size');
    const node = cluster.config.nodes[0];
    const login = await nodePassword(node, cluster.config.passfile);
    const env = { ...process.env, PGPASSWORD: login.found ? login.password : '', LC_MESSAGES: 'C' };
    const tool = (name) => path.join(cluster.pgBinDir, name);
    const connection = ['-h', node.host, '-p', String(node.port), '-U', node.user];

    const raw = [];
    const step = [];
    const whole = [];
    for (let round = 0; round < ROUNDS; round++) {
      const timeRaw = async () => {
        const file = path.join(scratch, `raw-${round}.dump`);
        const startedAt = performance.now();
        await execa(tool('pg_dump'), [...connection, '-Fc', '-f', file, 'bench'], { env, extendEnv: false });
        raw.push(performance.now() - startedAt);
        await rm(file, { force: true });
      };
      const timeOurs = async () => {
        const plan = await prepareBackup(cluster.config, 'pg1', { database: 'bench' });
        if (plan.blocked) throw new Error(`backup refused: ${plan.blockedReasons.join('; ')}`);
        const timed = await timedPlan(cluster, plan, /^dump bench/);
        step.push(timed.stepMs);
        whole.push(timed.planMs);
      };
      if (round % 2 === 0) {
        await timeRaw();
        await timeOurs();
      } else {
        await timeOurs();
        await timeRaw();
      }
    }
    report(`raw pg_dump -Fc of ${(Number(size) / 1024 / 1024).toFixed(0)} MB`, fmt(median(raw)), 'ms', `median of ${ROUNDS}`);
    report('pgcockpit backup: its pg_dump step vs raw', (median(step) / median(raw)).toFixed(2), '×', `target <= ${TARGET_RATIO}; ${fmt(median(step))} ms`);
    report('pgcockpit backup: whole plan vs raw', (median(whole) / median(raw)).toFixed(2), '×', `${fmt(median(whole))} ms: + read-back, sha256, catalog`);

    const directory = await prepareBackup(cluster.config, 'pg1', { database: 'bench', format: 'directory', jobs: 2 });
    const dir = await timedPlan(cluster, directory, /^dump bench/);
    report('pgcockpit backup --format directory --jobs 2', fmt(dir.stepMs), 'ms', `custom: ${fmt(median(step))} ms`);

    // Restore the newest custom dump: raw pg_restore -j 2 into a new database, then the restore runbook.
    const { listBackups } = await import('../dist/services/backups/backupCatalog.js');
    const { entries } = await listBackups(cluster.config.backups.dir, cluster.config.cluster);
    const custom = entries.find((entry) => entry.format === 'custom' && entry.status === 'complete');
    await sql(cluster, 'postgres', 'create database bench_raw_restore');
    const rawStart = performance.now();
    await execa(tool('pg_restore'), [...connection, '-j', '2', '-d', 'bench_raw_restore', custom.path], { env, extendEnv: false });
    const rawRestore = performance.now() - rawStart;
    const restore = await prepareRestore(cluster.config, custom.id, { to: 'pg1', jobs: 2 });
    if (restore.blocked) throw new Error(`restore refused: ${restore.blockedReasons.join('; ')}`);
    const ours = await timedPlan(cluster, restore, /^restore /);
    report('raw pg_restore -j 2 into a new database', fmt(rawRestore), 'ms');
    report('pgcockpit restore: its pg_restore step vs raw', (ours.stepMs / rawRestore).toFixed(2), '×', `${fmt(ours.stepMs)} ms; whole plan ${fmt(ours.planMs)} ms (+ sha256 check, row counts)`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await cluster.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchBackup();

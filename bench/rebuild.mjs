// Rebuild speed: pgcockpit's rebuild runbook beside a raw pg_basebackup of the same data, in the same run,
// and pg_rewind beside pg_basebackup after a small divergence. One 2-node sandbox with BALLAST_ROWS rows
// (~300 MB) in the primary.
//   (a) raw: `pg_basebackup -X stream -c fast` of the primary into a scratch directory, as the postgres
//       OS user, what a DBA types by hand (the scratch copy is removed after, off the clock);
//   (b) pgcockpit: `prepareRebuild(config, 'pg2', { method: 'basebackup' })` of the standby, prepared before
//       the clock (it is the plan the DBA confirms), then executePlan with the steps' sessions opened by the
//       planner, as the CLI does. Timed: its copy step (pg_basebackup as a job, progress parsed) and the whole
//       plan (stop, move aside, copy, own settings, start, wait until it streams). The kept directory is
//       removed after, off the clock.
//   (a') the same rebuild by hand (stop, mv, pg_basebackup -R, the node's own conf back, start, streaming):
//       what the whole plan compares with. Rounds rotate which of (a), (a') and (b) goes first.
//   (c) after a failover with a small divergence (the standby promoted, 1000 rows written on the old primary,
//       which is then stopped cleanly), the old primary rebuilt from the new one with --method rewind and with
//       --method basebackup, alternating, roles swapping each time so that each node is rewound and copied.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { withNodeClient } from '../dist/services/postgres/connectNode.js';
import { pgCtlStop } from '../dist/services/postgres/pgCtl.js';
import { executePlan } from '../dist/services/runbooks/executePlan.js';
import { prepareRebuild } from '../dist/services/runbooks/rebuild/prepareRebuild.js';
import { createSqlSessions } from '../dist/services/runbooks/sqlSessions.js';
import { localRunner } from '../dist/services/runner/localRunner.js';
import { createNodeRunners } from '../dist/services/runner/nodeRunners.js';
import { percentile, report, sleep, startBenchCluster } from './support.mjs';

const BALLAST_ROWS = 1_000_000;
const ROUNDS = 7;
const DIVERGENCE_SAMPLES = 6;
const TARGET_RATIO = 1.05;

const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(0) : '?');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const median = (values) => percentile(values, 50);
const summary = (values) => [`${fmt(median(values))} / ${fmt(Math.min(...values))}`, 'ms', `median / min of ${values.length}: ${values.map(fmt).join(', ')}`];

async function query(cluster, name, sql) {
  const node = cluster.config.nodes.find((candidate) => candidate.name === name);
  return withNodeClient(node, cluster.config, async (client) => (await client.query(sql)).rows, { statementTimeoutMs: 600_000 });
}

/** Until `standby` has replayed everything `primary` has written. */
async function caughtUp(cluster, primary, standby) {
  const [{ lsn }] = await query(cluster, primary, 'select pg_current_wal_lsn()::text as lsn');
  for (let i = 0; i < 6000; i++) {
    const [row] = await query(cluster, standby, `select coalesce(pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn, false) as done`).catch(() => [{ done: false }]);
    if (row.done) return;
    await sleep(20);
  }
  throw new Error(`${standby} never replayed ${primary}'s WAL up to ${lsn}`);
}

/**
 * Quiet before the clock: the ballast's WAL archived (archive_command copies each segment) and a
 * checkpoint on both nodes, so no round pays for the load's background writes.
 */
async function settle(cluster) {
  for (let i = 0; i < 3000; i++) {
    const [{ ready }] = await query(cluster, cluster.config.nodes[0].name, "select count(*)::int as ready from pg_ls_archive_statusdir() where name like '%.ready'");
    if (ready === 0) break;
    await sleep(50);
  }
  for (const node of cluster.config.nodes) await query(cluster, node.name, 'checkpoint');
}

/** (a) pg_basebackup by hand, as the OS user that owns the data, into a scratch directory beside the nodes. */
async function rawBasebackup(cluster, source) {
  const scratch = path.join(cluster.layout.root, 'bench-raw-copy');
  const lines = [];
  const started = performance.now();
  const result = await localRunner(cluster.osUser).run(
    {
      program: path.join(cluster.pgBinDir, 'pg_basebackup'),
      args: ['-h', source.host, '-p', String(source.port), '-U', cluster.config.replication.user, '-D', scratch, '-X', 'stream', '-c', 'fast'],
      env: { PGPASSFILE: cluster.layout.passfile },
      mutating: true,
    },
    { onLine: (line) => lines.push(line.text) },
  );
  const elapsed = performance.now() - started;
  await rm(scratch, { recursive: true, force: true });
  if (result.exitCode !== 0) throw new Error(`raw pg_basebackup failed (exit ${result.exitCode}):\n${lines.join('\n')}`);
  return elapsed;
}

/**
 * (a') the same rebuild by hand, as the runbook a DBA would follow, in one shell as the OS user: stop, move the
 * data directory aside, pg_basebackup -R through the node's slot, the node's own *.conf back (the copy brought
 * the source's port), start; the clock stops when the source shows it streaming (polled every 20 ms, as
 * pgcockpit's wait does). The kept directory is removed after, off the clock.
 */
async function byHandRebuild(cluster, source, target) {
  const aside = `${target.dataDir}.by-hand`;
  const script = [
    'set -e',
    '"$1/pg_ctl" -D "$2" -m fast -w stop',
    'mv "$2" "$3"',
    '"$1/pg_basebackup" -h "$4" -p "$5" -U "$6" -D "$2" -R -S "$7" -X stream -c fast',
    'cp -p "$3"/*.conf "$2"/',
    '"$1/pg_ctl" -D "$2" -l "$8" -w start',
  ].join('\n');
  const slot = cluster.config.replication.slotNamePattern.replace('{node}', target.name);
  const args = [cluster.pgBinDir, target.dataDir, aside, source.host, String(source.port), cluster.config.replication.user, slot, cluster.layout.logFile(target.name)];
  const lines = [];
  const started = performance.now();
  const result = await localRunner(cluster.osUser).run(
    { program: 'sh', args: ['-c', script, 'sh', ...args], env: { PGPASSFILE: cluster.layout.passfile }, mutating: true },
    { onLine: (line) => lines.push(line.text) },
  );
  if (result.exitCode !== 0) throw new Error(`rebuild by hand failed (exit ${result.exitCode}):\n${lines.join('\n')}`);
  for (let i = 0; ; i++) {
    const rows = await query(cluster, source.name, `select 1 from pg_stat_replication where application_name = '${target.name}' and state = 'streaming'`).catch(() => []);
    if (rows.length > 0) break;
    if (i > 3000) throw new Error(`${target.name} never streamed after the rebuild by hand`);
    await sleep(20);
  }
  const elapsed = performance.now() - started;
  await rm(aside, { recursive: true, force: true });
  return elapsed;
}

/**
 * (b, c) pgcockpit's rebuild of `target`: planned first (sessions opened by the planner, off the clock), then
 * executePlan on the clock; `main` is the step that moves the data (pg_basebackup or pg_rewind).
 */
async function pgcockpitRebuild(cluster, target, options) {
  const { config } = cluster;
  const sessions = createSqlSessions(config, { readOnly: false });
  const runners = createNodeRunners(config, { readOnly: false });
  try {
    const prepareStarted = performance.now();
    const plan = await prepareRebuild(config, target, options, { runners, sessions });
    const prepareMs = performance.now() - prepareStarted;
    if (plan.blocked) throw new Error(`rebuild ${target} refused: ${plan.blockedReasons.join('; ')}`);
    if (plan.method !== options.method) throw new Error(`rebuild ${target}: asked for ${options.method}, planned ${plan.method}`);
    const mainStep = plan.steps.findIndex((step) => /with pg_basebackup|with pg_rewind/.test(step.description)) + 1;
    let mainMs;
    const lines = [];
    const started = performance.now();
    const outcome = await executePlan(plan, {
      config,
      readOnly: false,
      sessions,
      runners,
      onEvent: (event) => {
        if (event.type === 'step-finished' && event.number === mainStep && event.undoOf === undefined) mainMs = event.stepMs;
        if (event.type === 'step-failed') lines.push(`step ${event.number}: ${event.error}`);
      },
    });
    const whole = performance.now() - started;
    if (!outcome.succeeded) throw new Error(`rebuild ${target} failed: ${lines.join('\n')}`);
    if (plan.asideDir && plan.method === 'basebackup') await rm(plan.asideDir, { recursive: true, force: true });
    return { whole, main: mainMs, prepareMs, steps: plan.steps.length };
  } finally {
    await sessions.close();
    await runners.close();
  }
}

/** A failover with a small divergence: `next` promoted, 1000 rows only `old` has, `old` stopped cleanly. */
async function diverge(cluster, old, next) {
  await query(cluster, next, 'select pg_promote(true, 60)');
  await query(cluster, old, 'insert into bench_divergence select generate_series(1, 1000)');
  const node = cluster.config.nodes.find((candidate) => candidate.name === old);
  await pgCtlStop({ pgBinDir: cluster.pgBinDir, dataDir: node.dataDir, runner: localRunner(cluster.osUser) }, 'fast');
}

async function walBytes(cluster, name) {
  const [{ bytes }] = await query(cluster, name, 'select sum(size)::bigint::text as bytes from pg_ls_waldir()');
  return Number(bytes);
}

export async function benchRebuild({ rounds = ROUNDS, divergenceSamples = DIVERGENCE_SAMPLES, ballastRows = BALLAST_ROWS } = {}) {
  const cluster = await startBenchCluster(2);
  try {
    const [primary, standby] = cluster.config.nodes;
    await query(cluster, primary.name, `create table bench_ballast as select i, md5(i::text) || repeat('x', 250) as pad from generate_series(1, ${ballastRows}) i`);
    await query(cluster, primary.name, 'create table bench_divergence (i int)');
    await query(cluster, primary.name, 'checkpoint');
    await caughtUp(cluster, primary.name, standby.name);
    await settle(cluster);
    const [{ size }] = await query(cluster, primary.name, 'select sum(pg_database_size(oid))::bigint::text as size from pg_database');
    console.log(`\nrebuild: a 2-node sandbox, ${mb(Number(size))} of databases, ${mb(await walBytes(cluster, primary.name))} in ${primary.name}'s pg_wal`);

    // (a) and (b), alternating which goes first, after one round of each off the record (cold caches).
    const raw = [];
    const byHand = [];
    const rebuilt = [];
    await rawBasebackup(cluster, primary);
    await pgcockpitRebuild(cluster, standby.name, { method: 'basebackup' });
    for (let i = 0; i < rounds; i++) {
      const runRaw = async () => raw.push(await rawBasebackup(cluster, primary));
      const runByHand = async () => byHand.push(await byHandRebuild(cluster, primary, standby));
      const runRebuild = async () => rebuilt.push(await pgcockpitRebuild(cluster, standby.name, { method: 'basebackup' }));
      const order = [runRaw, runByHand, runRebuild];
      for (let k = 0; k < order.length; k++) await order[(i + k) % order.length]();
    }
    report('rebuild ref: raw pg_basebackup -X stream -c fast', ...summary(raw));
    report('rebuild ref: by hand (stop, mv, -R, conf, start)', ...summary(byHand));
    report('rebuild, pgcockpit: its pg_basebackup step', ...summary(rebuilt.map((r) => r.main)));
    report('rebuild, pgcockpit: whole plan (stop … streaming)', ...summary(rebuilt.map((r) => r.whole)));
    report('rebuild, pgcockpit: planning (before the confirm)', ...summary(rebuilt.map((r) => r.prepareMs)));
    const copyRatio = median(rebuilt.map((r, i) => r.main / raw[i]));
    const wholeRatio = median(rebuilt.map((r, i) => r.whole / byHand[i]));
    const minRatio = Math.min(...rebuilt.map((r) => r.main)) / Math.min(...raw);
    report('rebuild: pgcockpit copy step / raw, median ratio', copyRatio.toFixed(2), '×', `target ≤ ${TARGET_RATIO}; of the minimums: ${minRatio.toFixed(2)} ×; whole plan / by hand: ${wholeRatio.toFixed(2)} ×`);

    // (c) rewind vs basebackup after a small divergence; roles swap every sample.
    const byMethod = { rewind: [], basebackup: [] };
    const walAtRewind = [];
    let [oldPrimary, newPrimary] = [primary.name, standby.name];
    let auto;
    for (let i = 0; i < divergenceSamples; i++) {
      // rewind, basebackup, basebackup, rewind, ...: each node gets each method.
      const method = [0, 3].includes(i % 4) ? 'rewind' : 'basebackup';
      await diverge(cluster, oldPrimary, newPrimary);
      if (!auto) {
        const plan = await prepareRebuild(cluster.config, oldPrimary, { from: newPrimary });
        auto = `${plan.method}: ${plan.methodReason}`;
      }
      if (method === 'rewind') walAtRewind.push(await walBytes(cluster, newPrimary));
      byMethod[method].push(await pgcockpitRebuild(cluster, oldPrimary, { from: newPrimary, method }));
      await caughtUp(cluster, newPrimary, oldPrimary);
      [oldPrimary, newPrimary] = [newPrimary, oldPrimary];
    }
    report('after a small divergence: rewind, whole plan', ...summary(byMethod.rewind.map((r) => r.whole)));
    report('after a small divergence: rewind, its pg_rewind step', ...summary(byMethod.rewind.map((r) => r.main)));
    report('after a small divergence: basebackup, whole plan', ...summary(byMethod.basebackup.map((r) => r.whole)));
    report('after a small divergence: basebackup, its copy step', ...summary(byMethod.basebackup.map((r) => r.main)));
    report(
      'after a small divergence: rewind / basebackup, medians',
      (median(byMethod.rewind.map((r) => r.whole)) / median(byMethod.basebackup.map((r) => r.whole))).toFixed(2),
      '×',
      `source pg_wal at the rewinds: ${walAtRewind.map(mb).join(', ')}`,
    );
    console.log(`  method auto chose ${auto}`);
  } finally {
    await cluster.destroy();
  }
}

// node bench/rebuild.mjs: this piece alone (after npm run build).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchRebuild();

// Failover speed: from confirmation to the new primary accepting a write, beside two references
// on the same sandbox. Each sample gets a fresh 2-node sandbox whose primary is stopped first
// (pg_ctl stop -m fast), so failover is allowed.
//   (a) bare `select pg_promote(true, 60)` + an insert, on an already-open session;
//   (b) `pg_promote(false)`, pg_is_in_recovery() every 2 ms on the same session, then the insert;
//   (c) pgcockpit: the failover plan is prepared before the clock (it is what the DBA confirms),
//       with the steps' sessions opened by the planner while the plan is on screen, as the TUI
//       and the CLI do; the clock runs from executePlan's start (the confirmation) until an
//       insert on the new primary succeeds. The insert goes over a separate, already-open
//       session as soon as the plan's promote step reports done; the later steps (checkpoint,
//       slots, mark rebuild) run on meanwhile and are counted in "whole plan".
//   (c, cold) the same, but no sessions handed over: executePlan connects at its first
//       statement, after the confirmation (what pgcockpit did before issue 9).
// Optionally, when the switchover runbook is built: one full switchover on a 3-node sandbox.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectNode } from '../dist/services/postgres/connectNode.js';
import { pgCtlStop } from '../dist/services/postgres/pgCtl.js';
import { executePlan } from '../dist/services/runbooks/executePlan.js';
import { prepareFailover } from '../dist/services/runbooks/failover/prepareFailover.js';
import { createSqlSessions } from '../dist/services/runbooks/sqlSessions.js';
import { localRunner } from '../dist/services/runner/localRunner.js';
import { percentile, report, sleep, startBenchCluster } from './support.mjs';

const SAMPLES = 9;
const TARGET_RATIO = 1.1;
const INSERT_SQL = 'insert into bench_promote default values';

/** A fresh 2-node sandbox with a table to write into, its primary stopped, and an open session on the standby. */
async function promotableStandby() {
  const cluster = await startBenchCluster(2);
  try {
    const [primary, standby] = cluster.config.nodes;
    const setup = await connectNode(primary, cluster.config);
    try {
      await setup.query('create table bench_promote (id bigserial primary key, at timestamptz not null default now())');
    } finally {
      await setup.end();
    }
    // A fast shutdown sends all WAL to the standby before the primary exits.
    await pgCtlStop({ pgBinDir: cluster.pgBinDir, dataDir: primary.dataDir, runner: localRunner(cluster.osUser) }, 'fast');
    const session = await connectNode(standby, cluster.config, { statementTimeoutMs: 120_000 });
    // The table must be there before the clock starts (replay, not only receipt).
    for (let i = 0; ; i++) {
      const { rows } = await session.query("select to_regclass('bench_promote') is not null as ready");
      if (rows[0]?.ready) break;
      if (i > 2500) throw new Error('bench_promote never reached the standby');
      await sleep(2);
    }
    return { cluster, primary, standby, session };
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

async function withStandby(work) {
  const setup = await promotableStandby();
  try {
    return await work(setup);
  } finally {
    await setup.session.end().catch(() => undefined);
    await setup.cluster.destroy();
  }
}

/** (a) bare pg_promote(true, 60), then the write. */
const bareWaitingPromote = () =>
  withStandby(async ({ session }) => {
    const started = performance.now();
    await session.query('select pg_promote(true, 60)');
    await session.query(INSERT_SQL);
    return { write: performance.now() - started };
  });

/** (b) pg_promote(false), pg_is_in_recovery() every 2 ms on the same session, then the write. */
const pollingPromote = () =>
  withStandby(async ({ session }) => {
    const started = performance.now();
    await session.query('select pg_promote(false)');
    while ((await session.query('select pg_is_in_recovery() as r')).rows[0].r) await sleep(2);
    await session.query(INSERT_SQL);
    return { write: performance.now() - started };
  });

/** (c) pgcockpit's failover runbook: prepared (its sessions opened, unless cold) before the clock, then executePlan. */
const runbookPromote = (cold) =>
  withStandby(async ({ cluster, standby, session }) => {
    const { config } = cluster;
    // As the CLI (commandSessions) and the cockpit do: the planner opens them while the plan is shown.
    const sessions = cold ? undefined : createSqlSessions(config, { readOnly: false });
    const plan = await prepareFailover(config, standby.name, {}, sessions ? { sessions } : {});
    if (plan.blocked) throw new Error(`failover plan blocked: ${plan.blockedReasons.join('; ')}`);
    const promoteIndex = plan.steps.findIndex((step) => step.description.startsWith(`promote ${standby.name}`));
    if (promoteIndex < 0) throw new Error(`no promote step in the plan: ${plan.steps.map((s) => s.description).join(' / ')}`);
    const promoteDone = `step ${promoteIndex + 1}/${plan.steps.length} ✓`;
    const lines = [];
    let promotedAt;
    let wrote;
    try {
      const started = performance.now();
      const outcome = await executePlan(plan, {
        config,
        readOnly: false,
        sessions,
        log: (text) => {
          lines.push(text);
          if (!wrote && text.startsWith(promoteDone)) {
            promotedAt = performance.now() - started;
            wrote = session.query(INSERT_SQL).then(() => performance.now() - started);
          }
        },
      });
      const whole = performance.now() - started;
      if (!outcome.succeeded) throw new Error(`failover failed: ${lines.join('\n')}`);
      if (!wrote) throw new Error(`never saw "${promoteDone}" in the plan's log:\n${lines.join('\n')}`);
      return { write: await wrote, promoted: promotedAt, whole, serverMs: plan.run.promotionMs, steps: plan.steps.length };
    } finally {
      await sessions?.close();
    }
  });

const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(1) : '?');
const stats = (values) => ({ median: percentile(values, 50), min: Math.min(...values) });
const summary = (values) => {
  const { median, min } = stats(values);
  return [`${fmt(median)} / ${fmt(min)}`, 'ms', `median / min of ${values.length}: ${values.map(fmt).join(', ')}`];
};

async function benchSwitchover() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.join(here, '../dist/services/runbooks/switchover');
  const modules = existsSync(dir) ? ['prepareSwitchover.js', 'index.js'].map((file) => path.join(dir, file)).filter(existsSync) : [];
  let prepareSwitchover;
  for (const file of modules) {
    const loaded = await import(file);
    if (typeof loaded.prepareSwitchover === 'function') {
      prepareSwitchover = loaded.prepareSwitchover;
      break;
    }
  }
  if (!prepareSwitchover) {
    console.log('switchover: not built yet');
    return;
  }
  const cluster = await startBenchCluster(3);
  try {
    const { config } = cluster;
    const target = config.nodes[1].name;
    const plan = await prepareSwitchover(config, target);
    if (plan.blocked) throw new Error(`switchover plan blocked: ${plan.blockedReasons.join('; ')}`);
    const lines = [];
    const started = performance.now();
    const outcome = await executePlan(plan, { config, readOnly: false, runners: { forNode: () => localRunner(cluster.osUser) }, log: (text) => lines.push(text) });
    const whole = performance.now() - started;
    if (!outcome.succeeded) {
      console.log(`switchover failed:\n${lines.join('\n')}`);
      return;
    }
    report('switchover, 3 nodes, whole plan', fmt(whole), 'ms', `${plan.steps.length} steps, 1 sample`);
  } finally {
    await cluster.destroy();
  }
}

export async function benchPromote({ samples = SAMPLES } = {}) {
  const variants = {
    bare: { label: 'failover ref (a): pg_promote(true, 60), write', run: bareWaitingPromote },
    polling: { label: 'failover ref (b): pg_promote(false), 2ms poll, write', run: pollingPromote },
    runbook: { label: 'failover, pgcockpit: confirm → write accepted', run: () => runbookPromote(false) },
    cold: { label: 'failover, pgcockpit, connecting after confirm: → write', run: () => runbookPromote(true) },
  };
  const results = Object.fromEntries(Object.keys(variants).map((key) => [key, []]));
  // Interleaved, so drift on a shared machine spreads over all four.
  for (let i = 0; i < samples; i++) {
    for (const [key, variant] of Object.entries(variants)) results[key].push(await variant.run());
  }
  for (const [key, variant] of Object.entries(variants)) report(variant.label, ...summary(results[key].map((r) => r.write)));
  report('failover, pgcockpit: confirm → promote step done', ...summary(results.runbook.map((r) => r.promoted)));
  report('failover, pgcockpit: whole plan', ...summary(results.runbook.map((r) => r.whole)));
  report('failover, pgcockpit: promotion as its poll saw it', ...summary(results.runbook.map((r) => r.serverMs)));
  const ratio = stats(results.runbook.map((r) => r.write)).median / stats(results.polling.map((r) => r.write)).median;
  const coldRatio = stats(results.cold.map((r) => r.write)).median / stats(results.polling.map((r) => r.write)).median;
  report('failover: pgcockpit / ref (b), medians', ratio.toFixed(2), '×', `target ≤ ${TARGET_RATIO}; connecting after the confirmation: ${coldRatio.toFixed(2)} ×`);
  // Minimums move less with the other work on a shared machine than medians do.
  const minRatio = (key) => (stats(results[key].map((r) => r.write)).min / stats(results.polling.map((r) => r.write)).min).toFixed(2);
  report('failover: pgcockpit / ref (b), minimums', minRatio('runbook'), '×', `connecting after the confirmation: ${minRatio('cold')} ×`);
  await benchSwitchover();
}

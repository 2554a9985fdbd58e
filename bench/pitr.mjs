// Point-in-time recovery speed: `pgcockpit pitr` beside the same recovery done by hand with PostgreSQL's own
// tools on the same base backup and the same archive, in the same run; and the WAL replay rate.
// One 1-node sandbox: a base backup taken with `pgcockpit basebackup`, then pgbench (-i at SCALE, then
// TPC-B for BEFORE_SECONDS: many small commits, full-page images), a target time T noted, AFTER_SECONDS
// more, the WAL switched out and archived. Then ROUNDS rounds, alternating which goes first:
//   (a) pgcockpit: `pgcockpit pitr --backup ID --target-time T --action promote --restore-to DIR --yes`, the
//       whole process timed (the plan read first: catalog, the window through pg_waldump, the host); its
//       steps' own times read off its step lines (copy; start + replay until promoted);
//   (b) by hand, as the OS user in one shell, what the runbook does once corrected: mkdir -m 0700, cp -a the
//       backup, empty its pg_wal, append restore_command (cp from the archive), recovery_target_time (the
//       same T with its offset), recovery_target_action = promote, port, archive_mode = off to
//       postgresql.auto.conf, touch recovery.signal, pg_ctl -w start; then pg_is_in_recovery() polled every
//       20 ms until false (pg_ctl -w returns at consistency: hot_standby is on).
// Replay MB/s: the server's own "redo starts at" … "redo done at … elapsed: N s" of each recovery's log, and
// (the target's LSN − the backup's end LSN) / the start-to-promoted seconds. Every copy is stopped and removed.
import { execa } from 'execa';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { listBaseBackups } from '../dist/services/backups/baseBackupCatalog.js';
import { catalogDir } from '../dist/services/backups/catalogDir.js';
import { freePort } from '../dist/services/os/freePort.js';
import { withNodeClient } from '../dist/services/postgres/connectNode.js';
import { parseLsn } from '../dist/services/postgres/lsn.js';
import { nodePassword } from '../dist/services/postgres/nodePassword.js';
import { localRunner } from '../dist/services/runner/localRunner.js';
import { percentile, report, sleep, startBenchCluster } from './support.mjs';

const SCALE = 30;
const BEFORE_SECONDS = 12;
const AFTER_SECONDS = 3;
const ROUNDS = 3;
const TARGET_RATIO = 1.1;
const CLI = path.resolve('dist/cli.js');

const fmt = (ms) => (Number.isFinite(ms) ? ms.toFixed(0) : '?');
const mb = (bytes) => bytes / 1024 / 1024;
const median = (values) => percentile(values, 50);
const summary = (values) => [`${fmt(median(values))} / ${fmt(Math.min(...values))}`, 'ms', `median / min of ${values.length}: ${values.map(fmt).join(', ')}`];

async function query(cluster, sql) {
  return withNodeClient(cluster.config.nodes[0], cluster.config, async (client) => (await client.query(sql)).rows, { statementTimeoutMs: 600_000 });
}

async function pgbench(cluster, args) {
  const node = cluster.config.nodes[0];
  const run = await execa(path.join(cluster.pgBinDir, 'pgbench'), [...args, '-h', node.host, '-p', String(node.port), '-U', node.user, node.database], { env: { PGPASSFILE: cluster.layout.passfile }, reject: false });
  if (run.exitCode !== 0) throw new Error(`pgbench ${args.join(' ')} failed: ${run.stderr}`);
}

/** "340 ms", "2.1 s", "3 min 20 s" (formatElapsed) back to milliseconds. */
function elapsedMs(text) {
  let ms = 0;
  for (const [, value, unit] of text.matchAll(/([\d.]+) (ms|s|min|h)\b/g)) ms += Number(value) * { ms: 1, s: 1000, min: 60_000, h: 3_600_000 }[unit];
  return ms;
}

/** The CLI's "step 4/5 ✓ … (8.2 s, 12 s in all)" lines: each step's own time, by number. */
function stepTimes(stdout) {
  const times = {};
  for (const [, number, elapsed] of stdout.matchAll(/^step (\d+)\/\d+ ✓ .* \(([^,()]+), [^()]+ in all\)$/gm)) times[Number(number)] = elapsedMs(elapsed);
  return times;
}

/** The server's own redo figures from a recovery's log: bytes from "redo starts at" to "redo done at", and its elapsed seconds. */
async function redoOf(logFile) {
  const text = await readFile(logFile, 'utf8');
  const starts = /redo starts at ([0-9A-F]+\/[0-9A-F]+)/.exec(text)?.[1];
  const done = /redo done at ([0-9A-F]+\/[0-9A-F]+).*elapsed: ([\d.]+) s/.exec(text);
  const stopping = /recovery stopping (before|after) .*/.exec(text)?.[0];
  // log_line_prefix starts with %m: "2026-11-30 16:47:43.533 UTC [123] LOG:  database system is ready to accept connections".
  const ready = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3}) UTC .*database system is ready to accept connections/m.exec(text);
  const readyAt = ready ? Date.parse(`${ready[1]}T${ready[2]}Z`) : NaN;
  if (!starts || !done) return { stopping, readyAt };
  return { bytes: Number(parseLsn(done[1]) - parseLsn(starts)), seconds: Number(done[2]), stopping, readyAt };
}

async function stopAndRemove(cluster, dir) {
  await localRunner(cluster.osUser).run({ program: path.join(cluster.pgBinDir, 'pg_ctl'), args: ['-D', dir, '-m', 'immediate', '-w', 'stop'], mutating: true }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

/** (a) the whole `pgcockpit pitr --yes` process. */
async function pgcockpitPitr(cluster, backupId, targetTime, dest) {
  const started = performance.now();
  const run = await execa('node', [CLI, 'pitr', '--backup', backupId, '--target-time', targetTime, '--action', 'promote', '--restore-to', dest, '--yes', '--config', cluster.layout.configFile], {
    env: { XDG_STATE_HOME: cluster.layout.root },
    reject: false,
    stdin: 'ignore',
  });
  const whole = performance.now() - started;
  const endedAt = Date.now();
  if (run.exitCode !== 0) throw new Error(`pgcockpit pitr failed (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  const steps = stepTimes(run.stdout);
  // The log is named by the run's UTC second (pgcockpit-recovery-<stamp>.log).
  const log = (await readdir(dest)).find((name) => /^pgcockpit-recovery.*\.log$/.test(name));
  const redo = await redoOf(path.join(dest, log ?? 'pgcockpit-recovery.log'));
  // Steps: 1 copy, 2 settings, 3 proof, 4 start, 5 replay until promoted.
  const stepsMs = Object.values(steps).reduce((sum, ms) => sum + ms, 0);
  return { whole, copy: steps[1], replay: (steps[4] ?? NaN) + (steps[5] ?? NaN), outsideSteps: whole - stepsMs, redo, afterReady: endedAt - redo.readyAt };
}

/** (b) the same by hand: one shell as the OS user, then pg_is_in_recovery() until false. */
async function byHandPitr(cluster, backupPath, targetTime, dest, password) {
  const port = await freePort();
  const log = path.join(dest, 'recovery.log');
  const script = [
    'set -e',
    'mkdir -m 0700 "$2"',
    'cp -a "$1/." "$2/"',
    'find "$2/pg_wal" -maxdepth 1 -type f -delete',
    'cat >> "$2/postgresql.auto.conf" <<EOF',
    "restore_command = 'cp $3/%f %p'",
    "recovery_target_time = '$4'",
    "recovery_target_action = 'promote'",
    'port = $5',
    'archive_mode = off',
    'EOF',
    'touch "$2/recovery.signal"',
    'echo started',
    '"$6/pg_ctl" -D "$2" -l "$7" -w -t 600 start',
  ].join('\n');
  const args = [backupPath, dest, cluster.layout.archiveDir, targetTime, String(port), cluster.pgBinDir, log];
  const lines = [];
  let startAt;
  const started = performance.now();
  const result = await localRunner(cluster.osUser).run(
    { program: 'sh', args: ['-c', script, 'sh', ...args], mutating: true, timeoutMs: 900_000 },
    {
      onLine: (line) => {
        if (line.text === 'started') startAt = performance.now();
        lines.push(line.text);
      },
    },
  );
  if (result.exitCode !== 0) throw new Error(`PITR by hand failed (exit ${result.exitCode}):\n${lines.join('\n')}`);
  const client = new pg.Client({ host: '127.0.0.1', port, user: cluster.config.nodes[0].user, database: 'postgres', password });
  await client.connect();
  try {
    for (let i = 0; ; i++) {
      const [{ recovering }] = (await client.query('select pg_is_in_recovery() as recovering')).rows;
      if (!recovering) break;
      if (i > 30_000) throw new Error('the copy made by hand never left recovery');
      await sleep(20);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  const done = performance.now();
  const endedAt = Date.now();
  // pg_is_in_recovery() turns false as the startup process ends, a moment before the postmaster logs that it is ready.
  let redo = await redoOf(log);
  for (let i = 0; i < 100 && Number.isNaN(redo.readyAt); i++) {
    await sleep(20);
    redo = await redoOf(log);
  }
  return { whole: done - started, copy: (startAt ?? NaN) - started, replay: done - (startAt ?? NaN), redo, afterReady: endedAt - redo.readyAt };
}

export async function benchPitr({ rounds = ROUNDS, scale = SCALE, beforeSeconds = BEFORE_SECONDS, afterSeconds = AFTER_SECONDS } = {}) {
  const cluster = await startBenchCluster(1);
  const copies = [];
  try {
    const node = cluster.config.nodes[0];
    const cli = (...args) => execa('node', [CLI, ...args, '--config', cluster.layout.configFile], { env: { XDG_STATE_HOME: cluster.layout.root }, reject: false, stdin: 'ignore' });
    const taken = await cli('basebackup', '--node', node.name, '--yes');
    if (taken.exitCode !== 0) throw new Error(`pgcockpit basebackup failed:\n${taken.stdout}\n${taken.stderr}`);
    const { entries } = await listBaseBackups(localRunner(cluster.osUser), catalogDir(cluster.config), cluster.config.cluster);
    const backup = entries.find((entry) => entry.status === 'complete');
    if (!backup) throw new Error('no complete base backup in the catalog after pgcockpit basebackup');

    await pgbench(cluster, ['-i', '-q', '-s', String(scale)]);
    await pgbench(cluster, ['-c', '2', '-j', '2', '-T', String(beforeSeconds)]);
    await sleep(200);
    const [{ at, lsn }] = await query(cluster, `select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') as at, pg_current_wal_lsn()::text as lsn`);
    await sleep(200);
    await pgbench(cluster, ['-c', '2', '-j', '2', '-T', String(afterSeconds)]);
    const [{ switched }] = await query(cluster, 'select pg_walfile_name(pg_switch_wal()) as switched');
    for (let i = 0; ; i++) {
      const [{ last }] = await query(cluster, "select coalesce(last_archived_wal, '') as last from pg_stat_archiver");
      if (last >= switched) break;
      if (i > 6000) throw new Error(`${switched} never archived`);
      await sleep(50);
    }
    await query(cluster, 'checkpoint');
    const walToTarget = Number(parseLsn(lsn) - parseLsn(backup.endLsn));
    const [{ archived }] = await query(cluster, `select pg_wal_lsn_diff(pg_current_wal_lsn(), '${backup.endLsn}')::bigint::text as archived`);
    console.log(`\npitr: a 1-node sandbox, pgbench -s ${scale} then TPC-B ${beforeSeconds} s; T = ${at}; ${mb(walToTarget).toFixed(0)} MB of WAL from the backup's end to T, ${mb(Number(archived)).toFixed(0)} MB archived in all`);

    const password = (await nodePassword(node, cluster.config.passfile)).password;
    const byTool = [];
    const byHand = [];
    for (let i = 0; i < rounds; i++) {
      const runTool = async () => {
        const dest = path.join(cluster.layout.nodeDir(node.name), `pitr-pgcockpit-${i}`);
        copies.push(dest);
        byTool.push(await pgcockpitPitr(cluster, backup.id, at, dest));
        await stopAndRemove(cluster, dest);
      };
      const runByHand = async () => {
        const dest = path.join(cluster.layout.nodeDir(node.name), `pitr-by-hand-${i}`);
        copies.push(dest);
        byHand.push(await byHandPitr(cluster, backup.path, at, dest, password));
        await stopAndRemove(cluster, dest);
      };
      for (const step of i % 2 === 0 ? [runTool, runByHand] : [runByHand, runTool]) await step();
    }
    const stops = new Set([...byTool, ...byHand].map((r) => r.redo.stopping));
    if (stops.size !== 1) console.log(`  ! the recoveries stopped at different points: ${[...stops].join(' | ')}`);
    report('pitr ref: by hand (cp -a, conf, start, promoted)', ...summary(byHand.map((r) => r.whole)));
    report('pitr, pgcockpit: whole `pitr --yes` process', ...summary(byTool.map((r) => r.whole)));
    report('pitr: pgcockpit / by hand, median ratio', median(byTool.map((r, i) => r.whole / byHand[i].whole)).toFixed(2), '×', `target ≤ ${TARGET_RATIO}`);
    report('pitr ref: by hand, start … promoted', ...summary(byHand.map((r) => r.replay)));
    report('pitr, pgcockpit: its start + replay steps', ...summary(byTool.map((r) => r.replay)));
    report('pitr ref: by hand, the copy (cp -a …)', ...summary(byHand.map((r) => r.copy)));
    report('pitr, pgcockpit: its copy step (cp -a, du)', ...summary(byTool.map((r) => r.copy)));
    report('pitr, pgcockpit: outside its steps (plan, window)', ...summary(byTool.map((r) => r.outsideSteps)));
    report('pitr ref: by hand, server ready (its log) → seen', ...summary(byHand.map((r) => r.afterReady)));
    report('pitr, pgcockpit: server ready (its log) → exit', ...summary(byTool.map((r) => r.afterReady)));
    const redoRates = [...byTool, ...byHand].filter((r) => r.redo.bytes !== undefined).map((r) => mb(r.redo.bytes) / r.redo.seconds);
    const redoMb = [...byTool, ...byHand].map((r) => r.redo.bytes).filter((bytes) => bytes !== undefined);
    report('WAL replay, the server\'s redo (its log)', median(redoRates).toFixed(0), 'MB/s', `${mb(median(redoMb)).toFixed(0)} MB redone; each: ${redoRates.map((rate) => rate.toFixed(0)).join(', ')}`);
    const rate = (runs) => (mb(walToTarget) / (median(runs.map((r) => r.replay)) / 1000)).toFixed(0);
    report('WAL replay, backup end → T / start … promoted', `${rate(byHand)} / ${rate(byTool)}`, 'MB/s', `by hand / pgcockpit; ${mb(walToTarget).toFixed(0)} MB`);
    console.log(`  stopped: ${[...stops].join(' | ')}`);
  } finally {
    for (const dir of copies) await stopAndRemove(cluster, dir);
    await cluster.destroy();
  }
}

// node bench/pitr.mjs: this piece alone (after npm run build).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchPitr();

// Command-line start-up, as whole processes: `pgcockpit --version` and `pgcockpit status --json` on the
// sandbox, beside three `psql` runs of a status query (one per node) in the same run: what a Nagios check
// every minute pays. Targets (issue 14): --version <= 150 ms, status --json <= 250 ms and <= 5x psql.
// dist/cli.js is the bundle `npm run build` makes (rolldown.config.mjs), what the package's bin runs.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { nodePassword } from '../dist/services/postgres/nodePassword.js';
import { percentile, report, startBenchCluster } from './support.mjs';

const SAMPLES = 11;
const CLI = path.resolve('dist/cli.js');
const STATUS_SQL = `select pg_is_in_recovery(), case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end,
  (select count(*) from pg_stat_replication), (select count(*) from pg_replication_slots), (select archived_count from pg_stat_archiver)`;

async function timed(run) {
  const startedAt = performance.now();
  await run();
  return performance.now() - startedAt;
}

async function medianOf(run) {
  await run(); // warm the file cache, not counted
  const samples = [];
  for (let i = 0; i < SAMPLES; i++) samples.push(await timed(run));
  return percentile(samples, 50);
}

export async function benchStartup(cluster) {
  const env = { ...process.env, NODE_ENV: 'production' };
  delete env.CI;
  const version = await medianOf(() => execa('node', [CLI, '--version'], { env }));
  const status = await medianOf(() => execa('node', [CLI, 'status', '--json', '--config', cluster.layout.configFile], { env, reject: false }));
  const psql = path.join(cluster.pgBinDir, 'psql');
  const logins = await Promise.all(cluster.config.nodes.map(async (node) => ({ node, login: await nodePassword(node, cluster.config.passfile) })));
  const reference = await medianOf(async () => {
    for (const { node, login } of logins) {
      await execa(psql, ['-X', '-At', '-h', node.host, '-p', String(node.port), '-U', node.user, '-d', node.database, '-c', STATUS_SQL], {
        env: { ...env, PGPASSWORD: login.found ? login.password : '' },
      });
    }
  });
  report('pgcockpit --version (whole process)', version.toFixed(0), 'ms', 'target <= 150');
  report('pgcockpit status --json, 3 nodes (whole process)', status.toFixed(0), 'ms', 'target <= 250');
  report('reference: three psql runs of a status query', reference.toFixed(0), 'ms', `status --json is ${(status / reference).toFixed(1)}x; target <= 5x`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cluster = await startBenchCluster(3);
  try {
    await benchStartup(cluster);
  } finally {
    await cluster.destroy();
  }
}

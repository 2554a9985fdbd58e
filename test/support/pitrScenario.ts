import pg from 'pg';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import type { Plan } from '../../src/services/runbooks/plan.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { planEventLines } from '../../src/services/runbooks/planEvents.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import type { HandBuiltCluster } from './handBuiltCluster.js';
import { waitFor } from './waitFor.js';

/**
 * The pieces the PITR tests on a hand-built cluster share: the server's own
 * clock as a target, the WAL switched out and seen archived, the runbook's
 * scenario (a table, T, more rows, DROP), a plan run through the engine with
 * its event lines, and a query on a recovered copy's port.
 */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** pg1's clock in UTC to the microsecond, with Z: a target time as the server reads it. */
export async function serverNow(cluster: HandBuiltCluster): Promise<string> {
  return String((await cluster.superQuery<{ t: string }>('pg1', "select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || 'Z' as t"))[0]!.t);
}

/** pg1's current WAL segment switched out, and waited for in pg_stat_archiver. */
export async function switchAndArchive(cluster: HandBuiltCluster, timeoutMs = 30_000): Promise<void> {
  const switched = String((await cluster.superQuery<{ s: string }>('pg1', 'select pg_walfile_name(pg_switch_wal()) as s'))[0]!.s);
  await waitFor(async () => String((await cluster.superQuery<{ w: string | null }>('pg1', 'select last_archived_wal as w from pg_stat_archiver'))[0]!.w ?? '') >= switched, `${switched} archived`, timeoutMs);
}

/**
 * The runbook's scenario after a base backup: table lost with rows 1-3, T
 * noted (a second apart on either side), rows 4-6, DROP TABLE, the WAL
 * switched and archived. Returns T.
 */
export async function lostTableScenario(cluster: HandBuiltCluster): Promise<string> {
  await sleep(1100);
  await cluster.superQuery('pg1', 'create table lost (id int primary key, note text)');
  await cluster.superQuery('pg1', "insert into lost select g, 'before T ' || g from generate_series(1, 3) g");
  await sleep(1100);
  const target = await serverNow(cluster);
  await sleep(1100);
  await cluster.superQuery('pg1', "insert into lost select g, 'after T ' || g from generate_series(4, 6) g");
  await cluster.superQuery('pg1', 'drop table lost');
  await switchAndArchive(cluster);
  return target;
}

/** A plan run through the engine with runners of its own; `onEvent` sees each event (and may abort). */
export async function runPlanned(config: CockpitConfig, plan: Plan, onEvent?: (event: PlanEvent, abort: AbortController) => void) {
  const events: PlanEvent[] = [];
  const abort = new AbortController();
  const runners = createNodeRunners(config, { readOnly: false });
  try {
    const outcome = await executePlan(plan, {
      config,
      readOnly: false,
      runners,
      cancel: abort.signal,
      onEvent: (event) => {
        events.push(event);
        if (process.env.PITR_DEBUG) for (const line of planEventLines(event)) console.error(line);
        onEvent?.(event, abort);
      },
    });
    return { outcome, lines: events.flatMap(planEventLines).join('\n'), events };
  } finally {
    await runners.close();
  }
}

/** A query as the cluster's superuser on a port of 127.0.0.1 (a recovered copy's, or a node's). */
export async function queryOnPort<Row extends pg.QueryResultRow>(cluster: HandBuiltCluster, port: number, sql: string): Promise<Row[]> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', password: cluster.superuserPassword });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

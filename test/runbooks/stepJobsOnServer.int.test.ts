import { access } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodePassword } from '../../src/services/postgres/nodePassword.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { planEventLines } from '../../src/services/runbooks/planEvents.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { basebackupProgressReport } from '../../src/services/runner/progress/basebackupProgress.js';
import { tableDataProgress } from '../../src/services/runner/progress/tableDataProgress.js';
import { walReplayProgress } from '../../src/services/runner/progress/walReplayProgress.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

/**
 * A runbook's long commands and statements on a real server, through the one
 * engine: pg_dump and pg_restore --verbose feed the job bar's progress from
 * the tables' sizes, and a long statement in a cancellable step is cancelled
 * on the server when the plan is cancelled, its undo run.
 */
describe('step jobs on a real server', () => {
  let cluster: TestCluster;
  const plan = (title: string, steps: PlanStep[]): Plan => ({ title, target: 'pg1', checks: [], steps, blocked: false, blockedReasons: [], confirmWord: 'pg1', warnings: [] });

  beforeAll(async () => {
    cluster = await startTestCluster(1);
    await cluster.query('pg1', 'create database shop');
    for (const statement of [
      'create table big_orders (id int primary key, note text)',
      "insert into big_orders select i, repeat('x', 200) from generate_series(1, 60000) i",
      'create table customers (id int)',
      'insert into customers select generate_series(1, 5000)',
      'create schema "odd schema"',
      'create table "odd schema"."We ird" (i int)',
    ]) {
      await shopQuery(statement);
    }
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  async function shopQuery(sql: string): Promise<Array<Record<string, unknown>>> {
    const { default: pg } = await import('pg');
    const node = cluster.node('pg1');
    const lookup = await nodePassword(node, cluster.config.passfile);
    const client = new pg.Client({ host: node.host, port: node.port, user: node.user, database: 'shop', password: lookup.found ? lookup.password : '' });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('pg_dump and pg_restore --verbose steps report progress by table size, and the copy has every row', async () => {
    const node = cluster.node('pg1');
    const lookup = await nodePassword(node, cluster.config.passfile);
    if (!lookup.found) throw new Error('no password for the sandbox');
    const sizes = (await shopQuery(
      "select n.nspname || '.' || c.relname as name, pg_relation_size(c.oid)::bigint as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','m','p') and n.nspname not in ('pg_catalog','information_schema')",
    )).map((row) => ({ name: String(row.name), bytes: Number(row.bytes) }));
    const dumpFile = path.join(cluster.layout.root, 'shop.dump');
    const login = ['-h', node.host, '-p', String(node.port), '-U', node.user];
    const bin = (program: string) => path.join(cluster.pgBinDir, program);
    // The password in the environment: masked in the log, never in argv.
    const env = { PGPASSWORD: lookup.password, LC_MESSAGES: 'C' };
    const events: PlanEvent[] = [];
    const outcome = await executePlan(
      plan('backup and restore shop', [
        {
          node: 'pg1',
          description: 'dump shop',
          detail: `pg_dump -Fc --verbose -f ${dumpFile} shop`,
          mutating: false,
          cancellable: true,
          run: async (ctx) => void (await ctx.command('pg1', { program: bin('pg_dump'), args: [...login, '-Fc', '--verbose', '-f', dumpFile, 'shop'], env, mutating: false }, { parseProgress: tableDataProgress(sizes) })),
        },
        {
          node: 'pg1',
          description: 'restore into shop_copy',
          detail: `createdb shop_copy; pg_restore --verbose -d shop_copy ${dumpFile}`,
          mutating: true,
          run: async (ctx) => {
            await ctx.sql('pg1', 'create database shop_copy', { mutating: true });
            await ctx.command('pg1', { program: bin('pg_restore'), args: [...login, '--verbose', '-d', 'shop_copy', dumpFile], env, mutating: true }, { parseProgress: tableDataProgress(sizes) });
          },
        },
      ]),
      { config: cluster.config, readOnly: false, runners: createNodeRunners(cluster.config, { readOnly: false }), onEvent: (event) => events.push(event) },
    );
    expect(outcome.succeeded, outcome.failedStep?.error).toBe(true);
    await access(dumpFile);

    const progress = (step: number) => events.flatMap((event) => (event.type === 'job-progress' && event.number === step ? [event] : []));
    for (const step of [1, 2]) {
      const fractions = progress(step).map((event) => event.fraction);
      // big_orders holds nearly all the bytes and comes before customers (pg_dump goes by name): once customers starts, most is done.
      expect(fractions.length, `step ${step} progress`).toBeGreaterThan(0);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      expect(Math.max(...fractions)).toBeGreaterThan(0.8);
      expect(progress(step).at(-1)!.amount).toMatchObject({ unit: 'bytes' });
    }
    // The tables in the log, the password nowhere.
    const lines = events.flatMap(planEventLines).join('\n');
    expect(lines).toContain('dumping contents of table "public.big_orders"');
    expect(lines).toContain('processing data for table "odd schema.We ird"');
    expect(lines).not.toContain(lookup.password);
    const { default: pg } = await import('pg');
    const copy = new pg.Client({ host: node.host, port: node.port, user: node.user, database: 'shop_copy', password: lookup.password });
    await copy.connect();
    try {
      expect((await copy.query('select count(*)::int as n from big_orders')).rows[0].n).toBe(60000);
      expect((await copy.query('select count(*)::int as n from customers')).rows[0].n).toBe(5000);
    } finally {
      await copy.end();
    }
  });

  it('a cancel during a cancellable step cancels its running statement on the server, then its undo runs', async () => {
    const marker = `pgcockpit_cancel_${String(Math.random()).slice(2, 10)}`;
    const cancel = new AbortController();
    const events: PlanEvent[] = [];
    const running = executePlan(
      plan('long statement', [
        {
          node: 'pg1',
          description: 'make the scratch table',
          detail: 'create table scratch_cancel (i int)',
          mutating: true,
          cancellable: true,
          undo: [{ node: 'pg1', description: 'drop the scratch table', detail: 'drop table if exists scratch_cancel', mutating: true, run: async (ctx) => void (await ctx.sql('pg1', 'drop table if exists scratch_cancel', { mutating: true })) }],
          run: async (ctx) => void (await ctx.sql('pg1', 'create table scratch_cancel (i int)', { mutating: true })),
        },
        {
          node: 'pg1',
          description: 'a long statement',
          detail: `select pg_sleep(300) -- ${marker}`,
          mutating: true,
          cancellable: true,
          run: async (ctx) => void (await ctx.sql('pg1', `select pg_sleep(300) -- ${marker}`, { mutating: true })),
        },
      ]),
      { config: cluster.config, readOnly: false, cancel: cancel.signal, onEvent: (event) => events.push(event) },
    );
    const activeMarker = async () => (await cluster.query('pg1', `select pid from pg_stat_activity where query like '%${marker}%' and pid <> pg_backend_pid()`)).length;
    await waitFor(async () => (await activeMarker()) > 0, 'the long statement to run');
    cancel.abort('SIGINT');
    const outcome = await running;

    expect(outcome.cancelled).toMatchObject({ stoppedStep: 2, undone: ['step 1 (make the scratch table)'], signal: 'SIGINT' });
    expect(await activeMarker()).toBe(0);
    expect(await cluster.query('pg1', "select 1 from pg_class where relname = 'scratch_cancel'")).toEqual([]);
    const lines = events.flatMap(planEventLines).join('\n');
    expect(lines).toMatch(/step 2\/2 ■ cancelled \(SIGINT\): a long statement on pg1 was stopped half-way/);
  });

  it('a base backup and a WAL replay from the archive, each a job whose progress reaches the job bar', async () => {
    const node = cluster.node('pg1');
    // A base backup logs in as the replication role (the sandbox's pg_hba.conf allows it alone to replicate).
    const login = { ...node, user: cluster.config.replication.user, database: 'replication' };
    const lookup = await nodePassword(login, cluster.config.passfile);
    if (!lookup.found) throw new Error('no password for the sandbox replication role');
    const bin = (program: string) => path.join(cluster.pgBinDir, program);
    const restored = path.join(cluster.layout.nodeDir('pg1'), '..', 'replayed');
    const env = { PGPASSWORD: lookup.password, LC_MESSAGES: 'C' };
    const one = async (sql: string) => String(Object.values((await cluster.query('pg1', sql))[0] ?? {})[0]);
    let from = '';
    let target = '';
    let to = '';
    const events: PlanEvent[] = [];
    const outcome = await executePlan(
      plan('replay the archive', [
        {
          node: 'pg1',
          description: 'take a base backup',
          detail: `pg_basebackup -X none --checkpoint=fast --progress -D ${restored}`,
          mutating: true,
          cancellable: true,
          async run(ctx) {
            await ctx.command('pg1', { program: bin('pg_basebackup'), args: ['-h', node.host, '-p', String(node.port), '-U', login.user, '-X', 'none', '--checkpoint=fast', '--progress', '--verbose', '-D', restored], env, mutating: true }, { parseProgress: basebackupProgressReport });
            from = /START WAL LOCATION: (\S+)/.exec(await ctx.command('pg1', { program: 'cat', args: [path.join(restored, 'backup_label')], mutating: false }))![1]!;
          },
        },
        {
          node: 'pg1',
          description: 'write 3 segments of WAL after it, archived',
          detail: 'insert ...; select pg_switch_wal()',
          mutating: true,
          async run(ctx) {
            await ctx.sql('pg1', "create table replayed as select i, repeat('y', 500) as pad from generate_series(1, 100000) i", { mutating: true });
            target = String((await ctx.sql('pg1', 'select pg_current_wal_lsn()::text as lsn', { mutating: false }))[0]!.lsn);
            const switched = String((await ctx.sql('pg1', 'select pg_walfile_name(pg_switch_wal()) as segment', { mutating: true }))[0]!.segment);
            await waitFor(async () => (await one('select last_archived_wal from pg_stat_archiver')) >= switched, `segment ${switched} archived`);
            to = target;
          },
        },
        {
          node: 'pg1',
          description: 'replay the archive up to the target, in the foreground',
          detail: 'postgres -D replayed (recovery.signal, restore_command, recovery_target_lsn, recovery_target_action = shutdown)',
          mutating: true,
          cancellable: true,
          async run(ctx) {
            const settings = [
              `restore_command = 'cp ${cluster.layout.archiveDir}/%f %p'`,
              `recovery_target_lsn = '${target}'`,
              "recovery_target_action = 'shutdown'",
              "log_startup_progress_interval = '10ms'",
            ].join('\n');
            await ctx.command('pg1', { program: 'sh', args: ['-c', `printf '%s\\n' "$1" >> "$2/postgresql.auto.conf" && touch "$2/recovery.signal"`, 'sh', settings, restored], mutating: true });
            // The server's log is the job's output: stderr, no collector; no port anyone else uses, no socket but its own directory.
            await ctx.command(
              'pg1',
              { program: bin('postgres'), args: ['-D', restored, '-c', 'logging_collector=off', '-c', 'log_destination=stderr', '-c', 'listen_addresses=', '-c', `unix_socket_directories=${restored}`, '-c', 'archive_mode=off', '-c', 'lc_messages=C'], mutating: true },
              { parseProgress: walReplayProgress({ from, to }) },
            );
          },
        },
      ]),
      { config: cluster.config, readOnly: false, runners: createNodeRunners(cluster.config, { readOnly: false }), onEvent: (event) => events.push(event) },
    );
    const lines = events.flatMap(planEventLines).join('\n');
    expect(outcome.succeeded, lines).toBe(true);
    expect(lines).toMatch(/recovery stopping after WAL location \(LSN\) "/);
    for (const step of [1, 3]) {
      const fractions = events.flatMap((event) => (event.type === 'job-progress' && event.number === step ? [event.fraction] : []));
      expect(fractions.length, `step ${step} progress`).toBeGreaterThan(0);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      expect(fractions.at(-1)).toBe(1);
    }
  });
});

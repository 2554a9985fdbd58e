import path from 'node:path';
import { quoteIdent } from '../../cluster/quoteIdent.js';
import { sqlLiteral } from '../failover/repointStandby.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { nodePassword } from '../../postgres/nodePassword.js';
import type { CommandSpec } from '../../runner/runner.js';
import type { PlanStep } from '../plan.js';

/**
 * The PITR's last leg (--copy-back TABLE): the table as it was at the
 * target, dumped from the recovered copy (pg_dump -Fc -t) and restored into
 * the production primary, where it must not exist (the DROP TABLE case): the
 * single-table restore the backup runbooks do from a dump, here from the
 * copy. Both run on the copy's host as its OS user (its programs are the
 * backup's major version), the password in PGPASSWORD, never in argv.
 *
 * The restore may come hours after the plan looked: the table's absence is
 * read again just before it, and pg_restore runs --single-transaction, so a
 * failure (a table created meanwhile included) rolls itself back and nothing
 * on the primary is ever dropped by pgcockpit.
 */
export interface CopyBackStepFacts {
  /** The copy's host (runner name), address and port; the login is production's (the copy has its roles and passwords). */
  host: string;
  address: string;
  port: number;
  login: NodeConfig;
  primary: NodeConfig;
  database: string;
  /** schema.table or table, as given: each part one identifier, its case kept ("public.Orders" is "Orders"). */
  table: string;
  dumpFile: string;
  pgDump: string;
  pgRestore: string;
  psql: string;
}

/** "public.lost" → public.lost, "public.Orders" → public."Orders": for SQL, and for pg_dump -t (its patterns take double quotes the same way, without which Orders would be folded to orders). */
export function qualifiedName(table: string): string {
  return table.split('.').map(quoteIdent).join('.');
}

async function password(config: CockpitConfig, node: NodeConfig): Promise<Record<string, string>> {
  const found = await nodePassword(node, config.passfile);
  return found.found ? { PGPASSWORD: found.password } : {};
}

/**
 * Nobody else uses the copy, so a lock pg_dump waits for there is the
 * startup process's: paused at the target, it holds the locks of a
 * transaction not yet committed (a DROP TABLE logs its AccessExclusiveLock
 * before its commit), and would hold them for ever.
 */
const LOCK_WAIT = '10s';

export function copyBackSteps(facts: CopyBackStepFacts): PlanStep[] {
  const table = qualifiedName(facts.table);
  const copyLogin = ['-h', facts.address, '-p', String(facts.port), '-U', facts.login.user, '-d', facts.database];
  const primaryLogin = ['-h', facts.primary.host, '-p', String(facts.primary.port), '-U', facts.primary.user, '-d', facts.database];
  const dump = (env: Record<string, string>): CommandSpec => ({ program: facts.pgDump, args: [...copyLogin, '-Fc', `--lock-wait-timeout=${LOCK_WAIT}`, '-t', table, '-f', facts.dumpFile], env: { ...env, LC_MESSAGES: 'C' }, mutating: true, timeoutMs: 24 * 3600_000 });
  const psql = (login: string[], sql: string, env: Record<string, string>): CommandSpec => ({ program: facts.psql, args: ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...login, '-c', sql], env, mutating: false, timeoutMs: 3600_000 });
  const restore = (env: Record<string, string>): CommandSpec => ({ program: facts.pgRestore, args: [...primaryLogin, '--exit-on-error', '--single-transaction', '--no-owner', facts.dumpFile], env: { ...env, LC_MESSAGES: 'C' }, mutating: true, timeoutMs: 24 * 3600_000 });
  let copied: number | undefined;
  // On a hot standby pg_locks shows the startup process's locks: those of the transactions it has replayed but not their commit.
  const lockedSql = `select count(*) from pg_locks where locktype = 'relation' and relation = to_regclass(${sqlLiteral(table)}) and mode = 'AccessExclusiveLock' and granted`;
  const absent = `select to_regclass(${sqlLiteral(table)}) is null`;
  return [
    {
      node: facts.host,
      description: `dump ${facts.table} from the recovered copy (port ${facts.port}) as it was at the target`,
      detail: `${facts.pgDump} ${copyLogin.join(' ')} -Fc --lock-wait-timeout=${LOCK_WAIT} -t '${table}' -f ${facts.dumpFile}\n${facts.psql} ${copyLogin.join(' ')} -c 'select count(*) from ${table}'`,
      mutating: true,
      cancellable: true,
      async run(ctx) {
        // The copy has production's roles and passwords: the production login's password, looked up for production's address.
        const env = await password(ctx.config, facts.login);
        const held = (await ctx.command(facts.host, psql(copyLogin, lockedSql, env))).trim();
        if (held !== '0') throw new Error(`${table} is locked on the copy: paused, it holds the lock of the first transaction after the target (the DROP itself, when nothing else came between) until recovery ends: promote the copy first (the cockpit's Ctrl-P), or recover with --action promote for --copy-back`);
        await ctx.command(facts.host, dump(env));
        copied = Number((await ctx.command(facts.host, psql(copyLogin, `select count(*) from ${table}`, env))).trim());
        return `${copied} rows of ${facts.table} in ${path.posix.basename(facts.dumpFile)}`;
      },
    },
    {
      node: facts.primary.name,
      description: `restore ${facts.table} into ${facts.database} on the primary ${facts.primary.name} (it is not there: nothing is replaced)`,
      detail: `${absent}  -- on ${facts.primary.name}, again just before: must be true\n${facts.pgRestore} ${primaryLogin.join(' ')} --exit-on-error --single-transaction --no-owner ${facts.dumpFile}\nselect count(*) from ${table}  -- on ${facts.primary.name}: must be the copy's count`,
      mutating: true,
      cancellable: true,
      // No undo: --single-transaction rolls a failed or cancelled restore back by itself, and whatever stands under the name is someone's.
      async run(ctx) {
        const env = await password(ctx.config, facts.primary);
        const still = (await ctx.command(facts.host, psql(primaryLogin, absent, env))).trim();
        if (still !== 't') throw new Error(`${table} exists in ${facts.database} on ${facts.primary.name} now (created since the plan looked): nothing was restored and nothing there was touched; the table as at the target is in ${path.posix.basename(facts.dumpFile)}, kept with the copy: rename the new table and pg_restore it by hand, or run the recovery again`);
        await ctx.command(facts.host, restore(env));
        const restored = Number((await ctx.command(facts.host, psql(primaryLogin, `select count(*) from ${table}`, env))).trim());
        if (copied !== undefined && restored !== copied) throw new Error(`${facts.primary.name} has ${restored} rows of ${facts.table}, the copy ${copied}`);
        return `${facts.table} is back on ${facts.primary.name}: ${restored} rows, as at the target`;
      },
    },
  ];
}

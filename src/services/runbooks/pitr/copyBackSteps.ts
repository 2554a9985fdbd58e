import path from 'node:path';
import { quoteIdent } from '../../cluster/quoteIdent.js';
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
 */
export interface CopyBackStepFacts {
  /** The copy's host (runner name), address and port; the login is production's (the copy has its roles and passwords). */
  host: string;
  address: string;
  port: number;
  login: NodeConfig;
  primary: NodeConfig;
  database: string;
  /** schema.table or table, as pg_dump -t takes it. */
  table: string;
  dumpFile: string;
  pgDump: string;
  pgRestore: string;
  psql: string;
}

/** "public.lost" → public.lost, quoted where needed: for SQL. */
export function qualifiedName(table: string): string {
  return table.split('.').map(quoteIdent).join('.');
}

async function password(config: CockpitConfig, node: NodeConfig): Promise<Record<string, string>> {
  const found = await nodePassword(node, config.passfile);
  return found.found ? { PGPASSWORD: found.password } : {};
}

export function copyBackSteps(facts: CopyBackStepFacts): PlanStep[] {
  const table = qualifiedName(facts.table);
  const copyLogin = ['-h', facts.address, '-p', String(facts.port), '-U', facts.login.user, '-d', facts.database];
  const primaryLogin = ['-h', facts.primary.host, '-p', String(facts.primary.port), '-U', facts.primary.user, '-d', facts.database];
  const dump = (env: Record<string, string>): CommandSpec => ({ program: facts.pgDump, args: [...copyLogin, '-Fc', '-t', facts.table, '-f', facts.dumpFile], env: { ...env, LC_MESSAGES: 'C' }, mutating: true, timeoutMs: 24 * 3600_000 });
  const psql = (login: string[], sql: string, env: Record<string, string>, mutating = false): CommandSpec => ({ program: facts.psql, args: ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...login, '-c', sql], env, mutating, timeoutMs: 3600_000 });
  const restore = (env: Record<string, string>): CommandSpec => ({ program: facts.pgRestore, args: [...primaryLogin, '--exit-on-error', '--no-owner', facts.dumpFile], env: { ...env, LC_MESSAGES: 'C' }, mutating: true, timeoutMs: 24 * 3600_000 });
  let copied: number | undefined;
  const drop = `drop table if exists ${table}`;
  return [
    {
      node: facts.host,
      description: `dump ${facts.table} from the recovered copy (port ${facts.port}) as it was at the target`,
      detail: `${facts.pgDump} ${copyLogin.join(' ')} -Fc -t ${facts.table} -f ${facts.dumpFile}\n${facts.psql} ${copyLogin.join(' ')} -c 'select count(*) from ${table}'`,
      mutating: true,
      cancellable: true,
      async run(ctx) {
        // The copy has production's roles and passwords: the production login's password, looked up for production's address.
        const env = await password(ctx.config, facts.login);
        await ctx.command(facts.host, dump(env));
        copied = Number((await ctx.command(facts.host, psql(copyLogin, `select count(*) from ${table}`, env))).trim());
        return `${copied} rows of ${facts.table} in ${path.posix.basename(facts.dumpFile)}`;
      },
    },
    {
      node: facts.primary.name,
      description: `restore ${facts.table} into ${facts.database} on the primary ${facts.primary.name} (it is not there: nothing is replaced)`,
      detail: `${facts.pgRestore} ${primaryLogin.join(' ')} --exit-on-error --no-owner ${facts.dumpFile}\nselect count(*) from ${table}  -- on ${facts.primary.name}: must be the copy's count`,
      mutating: true,
      cancellable: true,
      // The table was absent when planned, so whatever exists under its name now is this restore's.
      undo: [
        {
          node: facts.primary.name,
          description: `drop the half-restored ${facts.table} on ${facts.primary.name}`,
          detail: drop,
          mutating: true,
          run: async (ctx) => void (await ctx.command(facts.host, psql(primaryLogin, drop, await password(ctx.config, facts.primary), true))),
        },
      ],
      async run(ctx) {
        const env = await password(ctx.config, facts.primary);
        await ctx.command(facts.host, restore(env));
        const restored = Number((await ctx.command(facts.host, psql(primaryLogin, `select count(*) from ${table}`, env))).trim());
        if (copied !== undefined && restored !== copied) throw new Error(`${facts.primary.name} has ${restored} rows of ${facts.table}, the copy ${copied}`);
        return `${facts.table} is back on ${facts.primary.name}: ${restored} rows, as at the target`;
      },
    },
  ];
}

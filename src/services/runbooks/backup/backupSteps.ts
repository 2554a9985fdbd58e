import path from 'node:path';
import type { BackupEntry, BackupFormat } from '../../backups/backupEntry.js';
import type { backupPaths } from '../../backups/backupCatalog.js';
import { writeBackupEntry } from '../../backups/backupCatalog.js';
import { backupsHostLabel, backupsRunnerName } from '../../backups/backupsHost.js';
import { catalogStoreInStep } from '../../backups/catalogStoreFor.js';
import type { PgDumpCandidate } from '../../backups/pgDumpChoice.js';
import { formatBytes } from '../../cluster/formatBytes.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { commandLine } from '../../os/shellQuote.js';
import { nodePassword } from '../../postgres/nodePassword.js';
import { formatElapsed } from '../../runner/formatElapsed.js';
import { tableDataProgress } from '../../runner/progress/tableDataProgress.js';
import type { CommandSpec } from '../../runner/runner.js';
import { formatConninfo } from '../conninfoEdit.js';
import type { PlanStep, StepContext } from '../plan.js';
import type { DumpTable } from './planBackup.js';
import { isRecoveryConflict, recoveryConflictAdvice } from './recoveryConflict.js';

export interface BackupStepFacts {
  config: CockpitConfig;
  node: NodeConfig;
  database: string;
  format: BackupFormat;
  jobs?: number;
  tablesWanted: readonly string[];
  /** The tables dumped, as read before (sizes weigh the progress; estimates go into the catalog). */
  tables: readonly DumpTable[];
  paths: ReturnType<typeof backupPaths>;
  pgDump: PgDumpCandidate;
  serverVersion: string;
  standby: boolean;
  /** The primary, named in a recovery conflict's advice. */
  primary?: string;
}

const FORMAT_FLAG: Record<BackupFormat, string> = { custom: 'c', directory: 'd', plain: 'p' };

/**
 * pg_dump's argv and environment: the connection without a password (it
 * travels in PGPASSWORD, never in argv, which ps shows everyone), --verbose
 * for the progress, LC_MESSAGES=C so its lines are read by their words, the
 * output to the partial name.
 */
export function pgDumpCommand(facts: BackupStepFacts, password: string | undefined): CommandSpec {
  const { node } = facts;
  return {
    program: facts.pgDump.path,
    args: [
      '-h', node.host,
      '-p', String(node.port),
      '-U', node.user,
      '-d', formatConninfo([['dbname', facts.database]]),
      `-F${FORMAT_FLAG[facts.format]}`,
      ...(facts.jobs ? ['-j', String(facts.jobs)] : []),
      ...facts.tablesWanted.flatMap((table) => ['-t', table]),
      '--verbose',
      '-f', facts.paths.partial,
    ],
    env: {
      LC_MESSAGES: 'C',
      PGAPPNAME: 'pgcockpit backup',
      ...(password !== undefined ? { PGPASSWORD: password } : {}),
      ...(node.sslmode ? { PGSSLMODE: node.sslmode } : {}),
      ...(node.sslrootcert ? { PGSSLROOTCERT: node.sslrootcert } : {}),
    },
    // Writes a file (on this machine, or backups.host's host): refused under --read-only, like every change pgcockpit makes.
    mutating: true,
    timeoutMs: 7 * 24 * 3600_000,
  };
}

/** The password pg_dump uses: the passfile's line for this database, else the node's own. */
async function dumpPassword(facts: BackupStepFacts): Promise<string | undefined> {
  for (const login of [{ ...facts.node, database: facts.database }, facts.node]) {
    const lookup = await nodePassword(login, facts.config.passfile);
    if (lookup.found) return lookup.password;
  }
  return undefined;
}

/** pg_restore beside the pg_dump used: it reads the table of contents the dump wrote. */
function pgRestoreBeside(pgDump: string): string {
  return path.join(path.dirname(pgDump), 'pg_restore');
}

/**
 * The steps of a backup, on the jump host, or on backups.host's host through
 * its runner (pg_dump, pg_restore --list and the catalog's files all there):
 * the catalog entry (running),
 * pg_dump into the partial name, then the dump read back (pg_restore
 * --list), checksummed, renamed and recorded complete. A cancel removes the
 * partial dump and records the entry cancelled; a failure removes it and
 * records failed with the reason: neither is ever restorable.
 */
export function backupSteps(facts: BackupStepFacts): PlanStep[] {
  const { paths, format } = facts;
  let entry: BackupEntry = {
    id: paths.id,
    kind: 'pg_dump',
    path: paths.path,
    cluster: facts.config.cluster,
    node: facts.node.name,
    database: facts.database,
    format,
    serverVersion: facts.serverVersion,
    pgDumpVersion: facts.pgDump.version,
    startedAt: new Date().toISOString(),
    tables: facts.tables.map((table) => ({ name: table.name, rowEstimate: table.rowEstimate, bytes: table.bytes })),
    status: 'running',
    options: { tables: [...facts.tablesWanted], ...(facts.jobs ? { jobs: facts.jobs } : {}) },
  };
  const host = backupsRunnerName(facts.config);
  // Where it runs, said in the dump step: "on db2's host as postgres" (nothing on the jump host, as before).
  const onHost = facts.config.backups?.host ? ` on ${backupsHostLabel(facts.config)}` : '';
  const record = async (ctx: StepContext, change: Partial<BackupEntry>) => {
    entry = { ...entry, ...change };
    await writeBackupEntry(entry, catalogStoreInStep(ctx));
  };
  /** The partial dump removed and the entry closed as `status`: what a cancel or a failure leaves. */
  const abandon = async (ctx: StepContext, status: 'failed' | 'cancelled', error?: string) => {
    await catalogStoreInStep(ctx).remove(paths.partial);
    if (entry.status === 'running') await record(ctx, { status, finishedAt: new Date().toISOString(), ...(error ? { error } : {}) });
  };
  const failing = async (ctx: StepContext, error: unknown, explain: (message: string) => string = (message) => message): Promise<never> => {
    const message = explain(error instanceof Error ? error.message : String(error));
    // A cancel is the undo's to record; a failure is recorded here, the plan stopping after it.
    if (!ctx.signal?.aborted) await abandon(ctx, 'failed', message);
    throw new Error(message);
  };
  const placeholder = pgDumpCommand(facts, undefined);

  const catalogStep: PlanStep = {
    node: host,
    description: `record the backup in the catalog as running${onHost}`,
    detail: `mkdir -p ${path.dirname(paths.path)}\nwrite ${paths.entry} (status running)`,
    mutating: true,
    undo: [
      {
        node: host,
        description: 'record the backup cancelled',
        detail: `write ${paths.entry} (status cancelled)`,
        mutating: true,
        run: async (ctx) => {
          await abandon(ctx, 'cancelled');
          return `${paths.id} is recorded cancelled (not restorable)`;
        },
      },
    ],
    async run(ctx) {
      await catalogStoreInStep(ctx).makeDir(path.dirname(paths.path));
      await record(ctx, { startedAt: new Date().toISOString() });
      return `${paths.entry}: running`;
    },
  };

  const dumpStep: PlanStep = {
    node: host,
    description: `dump ${facts.database} from ${facts.node.name} with ${facts.pgDump.path} (${format}${facts.jobs ? `, ${facts.jobs} jobs` : ''})${onHost}`,
    detail: `${commandLine(placeholder)}  (PGPASSWORD from the passfile, LC_MESSAGES=C)`,
    mutating: true,
    cancellable: true,
    undo: [
      {
        node: host,
        description: 'remove the partial dump',
        detail: `rm -rf ${paths.partial}`,
        mutating: true,
        run: async (ctx) => {
          await catalogStoreInStep(ctx).remove(paths.partial);
          return `${paths.partial} removed`;
        },
      },
    ],
    async run(ctx) {
      const startedAt = Date.now();
      const progress = tableDataProgress(facts.tables);
      let conflict = false;
      try {
        await ctx.command(host, pgDumpCommand(facts, await dumpPassword(facts)), {
          parseProgress: (line) => {
            if (isRecoveryConflict(line)) conflict = true;
            return progress(line);
          },
        });
      } catch (error) {
        return failing(ctx, error, (message) => (conflict && facts.standby ? recoveryConflictAdvice(facts.node.name, facts.primary) : message));
      }
      return `${facts.database} dumped in ${formatElapsed(Date.now() - startedAt)}`;
    },
  };

  const listSpec: CommandSpec = { program: pgRestoreBeside(facts.pgDump.path), args: ['--list', paths.partial], env: { LC_MESSAGES: 'C' }, mutating: false, timeoutMs: 3600_000 };
  const completeStep: PlanStep = {
    node: host,
    description: `read the dump back, checksum it, and record it complete${onHost}`,
    detail: `${format === 'plain' ? '' : `${commandLine(listSpec)}\n`}sha256 of ${paths.partial}\nmv ${paths.partial} ${paths.path}\nwrite ${paths.entry} (status complete)`,
    mutating: true,
    async run(ctx) {
      try {
        let objects: number | undefined;
        if (format !== 'plain') {
          // The whole table of contents read by pg_restore: a dump it cannot list is no backup.
          const list = await ctx.command(host, listSpec, { logStdout: false });
          objects = list.split('\n').filter((line) => line.trim() !== '' && !line.startsWith(';')).length;
        }
        const store = catalogStoreInStep(ctx);
        const { sha256, sizeBytes } = await store.checksum(paths.partial);
        await store.rename(paths.partial, paths.path);
        await record(ctx, { status: 'complete', finishedAt: new Date().toISOString(), sha256, sizeBytes, ...(objects !== undefined ? { objects } : {}) });
        return `${paths.id}: ${formatBytes(sizeBytes)}${objects !== undefined ? `, ${objects} objects` : ''}, sha256 ${sha256.slice(0, 12)}…, at ${paths.path}`;
      } catch (error) {
        return failing(ctx, error);
      }
    },
  };
  return [catalogStep, dumpStep, completeStep];
}

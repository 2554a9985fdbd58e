import { createInterface } from 'node:readline/promises';
import { AuditJournal } from '../services/audit/auditJournal.js';
import { findBackup, listBackups } from '../services/backups/backupCatalog.js';
import { backupRow, backupTable } from '../services/backups/backupRow.js';
import { backupsRunnerName } from '../services/backups/backupsHost.js';
import { catalogDir } from '../services/backups/catalogDir.js';
import type { CatalogStore } from '../services/backups/catalogStore.js';
import { catalogStoreFor } from '../services/backups/catalogStoreFor.js';
import { deleteBackup } from '../services/backups/deleteBackup.js';
import { readDumpToc } from '../services/backups/dumpToc.js';
import { verifyAndRecord } from '../services/backups/verifyBackup.js';
import type { CockpitConfig } from '../services/config/schema.js';
import { loadConfig } from '../services/config/loadConfig.js';
import { toolIn, toolPlace } from '../services/runbooks/restore/restoreCommands.js';
import type { Runner } from '../services/runner/runner.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import { baseBackupAction, looksLikeBaseBackupId, readBaseBackups } from './basebackupCommand.js';
import { baseBackupTable } from '../services/backups/baseBackupRow.js';
import type { NodeRunners } from '../services/runner/nodeRunners.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { requireConfigPath } from './requireConfigPath.js';

export interface BackupsCommandOptions {
  config?: string;
  json: boolean;
  verify?: string;
  show?: string;
  delete?: string;
  yes: boolean;
  readOnly: boolean;
}

/**
 * `pgcockpit backups`: the catalog, newest first, one row a dump (local time
 * and age, database, node, format, size, duration, verified mark); --json the
 * entries as a JSON array; --show ID its table of contents; --verify ID its
 * sha256 against the catalog and pg_restore --list over its whole table of
 * contents (recorded as verifiedAt; exit 1 when it fails, with the reason);
 * --delete ID removes it after its id is typed (or --yes). All of it where
 * the dumps are: this machine, or backups.host's host through its runner.
 * Base backups (pgcockpit basebackup) are listed under the dumps (in --json
 * beside them, told apart by `kind`); --show and --verify take their ids too
 * (see basebackupCommand.ts).
 */
export async function backupsCommand(options: BackupsCommandOptions): Promise<void> {
  const config = await loadConfig(requireConfigPath(options.config));
  const runners = createNodeRunners(config, { readOnly: options.readOnly });
  try {
    await backupsWith(config, options, runners.forNode(backupsRunnerName(config)), catalogStoreFor(config, runners), runners);
  } finally {
    await runners.close();
  }
}

async function backupsWith(config: CockpitConfig, options: BackupsCommandOptions, runner: Runner, store: CatalogStore, runners: NodeRunners): Promise<void> {
  let dir: string;
  try {
    dir = catalogDir(config);
  } catch (error) {
    process.stderr.write(`pgcockpit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const pgRestore = (node: string) => toolIn(toolPlace(config, config.nodes.find((candidate) => candidate.name === node) ?? {}), 'pg_restore');
  const entryOf = async (id: string) =>
    findBackup(dir, config.cluster, id, store).catch((error: unknown) => {
      process.stderr.write(`pgcockpit: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_USAGE;
      return undefined;
    });

  // A base backup's id (pgcockpit basebackup): its entry, or pg_verifybackup.
  for (const action of ['show', 'verify'] as const) {
    const id = options[action];
    if (id !== undefined && looksLikeBaseBackupId(id) && (await baseBackupAction(config, id, action, runners, options.readOnly))) return;
  }
  if (options.verify !== undefined) {
    const entry = await entryOf(options.verify);
    if (!entry) return;
    if (options.readOnly) return refuseReadOnly('verify (it records the result in the catalog)');
    const { verification } = await verifyAndRecord(entry, runner, pgRestore(entry.node), new Date(), store);
    if (verification.ok) {
      process.stdout.write(`✓ ${entry.id}: sha256 ${verification.sha256} as in the catalog${verification.toc ? `; pg_restore --list read ${verification.toc.entries.length} objects` : ''}\n`);
      process.exitCode = EXIT_OK;
    } else {
      process.stdout.write(`✗ ${entry.id} failed verification:\n${verification.reasons.map((reason) => `  ${reason}\n`).join('')}`);
      process.exitCode = EXIT_FAILURE;
    }
    return;
  }
  if (options.show !== undefined) {
    const entry = await entryOf(options.show);
    if (!entry) return;
    process.stdout.write(`${JSON.stringify(entry, null, 2)}\n`);
    if (entry.format !== 'plain') {
      const toc = await readDumpToc(runner, entry.path, pgRestore(entry.node)).catch((error: unknown) => error as Error);
      if (toc instanceof Error) {
        process.stderr.write(`pgcockpit: ${toc.message}\n`);
        process.exitCode = EXIT_FAILURE;
        return;
      }
      for (const item of toc.entries) process.stdout.write(`${item.type} ${item.schema === '-' ? '' : `${item.schema}.`}${item.name}\n`);
    }
    process.exitCode = EXIT_OK;
    return;
  }
  if (options.delete !== undefined) {
    const entry = await entryOf(options.delete);
    if (!entry) return;
    if (options.readOnly) return refuseReadOnly('delete a dump');
    await removeConfirmed(config, entry.id, entry.path, options.yes, () => deleteBackup(entry, store));
    return;
  }
  const { entries, problems } = await listBackups(dir, config.cluster, store);
  const base = await readBaseBackups(config, runners);
  problems.push(...base.problems);
  // Both kinds in one array: an entry's `kind` (pg_dump, basebackup) tells them apart.
  if (options.json) process.stdout.write(`${JSON.stringify([...entries, ...base.entries], null, 2)}\n`);
  else if (entries.length === 0 && base.entries.length > 0) process.stdout.write(`no dumps yet: pgcockpit backup --node NODE --db DB takes one\n`);
  else if (entries.length === 0) process.stdout.write(`no dumps in ${dir}${store.where === 'this machine' ? '' : ` on ${store.where}`} for ${config.cluster} yet: pgcockpit backup --node NODE --db DB takes one\n`);
  else {
    const now = Date.now();
    for (const line of backupTable(entries.map((entry) => backupRow(entry, now)))) process.stdout.write(`${line}\n`);
  }
  if (!options.json && base.entries.length > 0) for (const line of ['', ...baseBackupTable(base.entries, Date.now())]) process.stdout.write(`${line}\n`);
  for (const problem of problems) process.stderr.write(`pgcockpit: unreadable catalog entry ${problem}\n`);
  process.exitCode = EXIT_OK;
}

function refuseReadOnly(what: string): void {
  process.stderr.write(`pgcockpit: read-only mode: refused to ${what}. Restart pgcockpit without --read-only to allow it\n`);
  process.exitCode = EXIT_USAGE;
}

/** Deletes after the id is typed on a terminal (or --yes), and records it in the audit journal. */
async function removeConfirmed(config: CockpitConfig, id: string, file: string, yes: boolean, remove: () => Promise<void>): Promise<void> {
  if (!yes) {
    if (process.stdin.isTTY !== true) {
      process.stderr.write(`pgcockpit: deleting ${id} needs its id typed on a terminal, or --yes; nothing was deleted\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    const typed = await prompt.question(`type ${id} to delete ${file} and its catalog entry (anything else keeps it): `).finally(() => prompt.close());
    if (typed.trim() !== id) {
      process.stderr.write('pgcockpit: not confirmed; nothing was deleted\n');
      process.exitCode = EXIT_FAILURE;
      return;
    }
  }
  await remove();
  const host = backupsRunnerName(config);
  await new AuditJournal()
    .recordPlan(`delete backup ${id} of ${config.cluster}`, [{ step: 1, node: host, description: `delete ${file} and its catalog entry`, detail: `rm -r ${file} ${file}.json` }], { node: host })
    .catch(() => undefined);
  process.stdout.write(`deleted ${id} (${file})\n`);
  process.exitCode = EXIT_OK;
}

import { backupsRunnerName } from '../services/backups/backupsHost.js';
import type { BaseBackupListing } from '../services/backups/baseBackupCatalog.js';
import { listBaseBackups } from '../services/backups/baseBackupCatalog.js';
import type { BaseBackupEntry } from '../services/backups/baseBackupEntry.js';
import { pgVerifybackupFor, verifyBaseBackupAndRecord } from '../services/backups/baseBackupVerify.js';
import { catalogDir } from '../services/backups/catalogDir.js';
import type { CockpitConfig } from '../services/config/schema.js';
import type { RunnerSource } from '../services/runbooks/plan.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exitCodes.js';

/**
 * The base backups' part of `pgcockpit backups` (the subcommand
 * `pgcockpit basebackup` itself comes from the runbook registry): listing
 * them beside the dumps, `--show ID` and `--verify ID` for an id of theirs.
 */

/** "base-20261130T134501Z": what a base backup's id looks like (a dump of a database named "base" may look so too: the base catalog is asked first). */
export function looksLikeBaseBackupId(id: string): boolean {
  return /^base-\d{8}T\d{6}Z$/.test(id);
}

/** The base backups, read on the backups host (backups.host's runner, else this machine as you). */
export async function readBaseBackups(config: CockpitConfig, runners: RunnerSource): Promise<BaseBackupListing> {
  return listBaseBackups(runners.forNode(backupsRunnerName(config)), catalogDir(config), config.cluster);
}

/**
 * `--show ID` (the entry as JSON) or `--verify ID` (pg_verifybackup on the
 * host that holds it, as the OS user that owns it; verifiedAt recorded; exit
 * 1 when it fails) for a base backup. false: no base backup has that id (it
 * may be a dump's).
 */
export async function baseBackupAction(config: CockpitConfig, id: string, action: 'show' | 'verify', runners: RunnerSource, readOnly: boolean): Promise<boolean> {
  const { entries } = await readBaseBackups(config, runners);
  const entry = entries.find((candidate) => candidate.id === id);
  if (!entry) return false;
  if (action === 'show') {
    process.stdout.write(`${JSON.stringify(entry, null, 2)}\n`);
    process.exitCode = EXIT_OK;
    return true;
  }
  if (readOnly) {
    process.stderr.write('pgcockpit: read-only mode: refused to verify (it records the result in the catalog). Restart pgcockpit without --read-only to allow it\n');
    process.exitCode = EXIT_USAGE;
    return true;
  }
  await verifyAndSay(config, entry, runners);
  return true;
}

async function verifyAndSay(config: CockpitConfig, entry: BaseBackupEntry, runners: RunnerSource): Promise<void> {
  const tool = pgVerifybackupFor(config, entry);
  if ('refused' in tool) {
    process.stdout.write(`✗ ${entry.id} cannot be verified here: ${tool.refused}\n`);
    process.exitCode = EXIT_FAILURE;
    return;
  }
  const { verification } = await verifyBaseBackupAndRecord(entry, runners.forNode(entry.host), tool.program, new Date(), tool.parseWal);
  if (verification.ok) {
    process.stdout.write(`✓ ${entry.id}: pg_verifybackup found every file as its manifest says${tool.parseWal ? ' and the WAL it needs parses' : ''}\n`);
    process.exitCode = EXIT_OK;
  } else {
    process.stdout.write(`✗ ${entry.id} failed verification:\n${verification.reasons.map((reason) => `  ${reason}\n`).join('')}`);
    process.exitCode = EXIT_FAILURE;
  }
}

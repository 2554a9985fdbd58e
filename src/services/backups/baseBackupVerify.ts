import type { CockpitConfig } from '../config/schema.js';
import { pgTool } from '../runbooks/serviceControl.js';
import { runCollected } from '../runner/runChecked.js';
import type { Runner } from '../runner/runner.js';
import { writeBaseBackupEntry } from './baseBackupCatalog.js';
import type { BaseBackupEntry } from './baseBackupEntry.js';

/** What pg_verifybackup said: ok, or why the backup must not be recovered from. */
export interface BaseBackupVerification {
  ok: boolean;
  /** One sentence each: the catalog's status, pg_verifybackup's own last lines. */
  reasons: string[];
}

/** pg_verifybackup reads a tar-format backup from PostgreSQL 18 on. */
const VERIFY_TAR_MAJOR = 18;

/**
 * pg_verifybackup on the backups host (entry.host's runner, as the OS user
 * that owns the files: a 0700 data directory nobody else may read) beside
 * the pg_basebackup that took it: every file against its SHA-256 in the
 * manifest, and the WAL the backup needs parsed (plain). Writes nothing.
 */
export async function verifyBaseBackup(entry: BaseBackupEntry, runner: Runner, pgVerifybackup: string, parseWal = entry.format === 'plain'): Promise<BaseBackupVerification> {
  const reasons: string[] = [];
  if (entry.status !== 'complete') reasons.push(`the catalog says the base backup is ${entry.status}${entry.error ? ` (${entry.error})` : ''}: not usable for a recovery`);
  if (!entry.manifest) reasons.push(`it has no backup_manifest (PostgreSQL ${entry.serverVersion}: manifests came with 13): pg_verifybackup cannot check it`);
  if (reasons.length > 0) return { ok: false, reasons };
  const run = await runCollected(runner, { program: pgVerifybackup, args: [...(parseWal ? [] : ['-n']), entry.path], env: { LC_MESSAGES: 'C' }, mutating: false, timeoutMs: 7 * 24 * 3600_000 }).catch((error: unknown) => error as Error);
  if (run instanceof Error) return { ok: false, reasons: [`${pgVerifybackup} could not run on ${runner.where}: ${run.message}`] };
  if (run.result.exitCode === 0) return { ok: true, reasons: [] };
  const said = run.stderr.trim().split('\n').filter((line) => line !== '').slice(-3);
  return { ok: false, reasons: said.length > 0 ? said : [`${pgVerifybackup} exited with ${run.result.exitCode ?? run.result.signal}`] };
}

/** Verifies and, when it passes, records verifiedAt in the entry (through the same runner): the picker's ✓. */
export async function verifyBaseBackupAndRecord(
  entry: BaseBackupEntry,
  runner: Runner,
  pgVerifybackup: string,
  now = new Date(),
  parseWal = entry.format === 'plain',
): Promise<{ verification: BaseBackupVerification; entry: BaseBackupEntry }> {
  const verification = await verifyBaseBackup(entry, runner, pgVerifybackup, parseWal);
  if (!verification.ok) return { verification, entry };
  const updated: BaseBackupEntry = { ...entry, verifiedAt: now.toISOString() };
  await writeBaseBackupEntry(runner, updated);
  return { verification, entry: updated };
}

/**
 * The pg_verifybackup to use for an entry: beside the pg_basebackup of the
 * node whose host holds it (its pgBinDir), or PATH's; null with the reason
 * when that version cannot read it (tar before 18).
 */
export function pgVerifybackupFor(config: Pick<CockpitConfig, 'nodes'>, entry: BaseBackupEntry): { program: string; parseWal: boolean } | { refused: string } {
  const host = config.nodes.find((node) => node.name === entry.host);
  const major = Number(/\(PostgreSQL\) (\d+)/.exec(entry.pgBasebackupVersion)?.[1]);
  if (entry.format === 'tar' && Number.isFinite(major) && major < VERIFY_TAR_MAJOR) return { refused: `pg_verifybackup reads tar-format backups from PostgreSQL 18 on (${entry.id} was taken with ${major})` };
  // pg_waldump reads only its own major's WAL: with another major's tools the files are checked, not the WAL (-n).
  const parseWal = entry.format === 'plain' && major === Number.parseInt(entry.serverVersion, 10);
  return { program: host ? pgTool(host, 'pg_verifybackup') : 'pg_verifybackup', parseWal };
}

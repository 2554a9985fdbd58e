import type { BaseBackupEntry } from '../services/backups/baseBackupEntry.js';
import { formatBytes } from '../services/cluster/formatBytes.js';
import type { PickerLine } from './backupPickerLines.js';

/**
 * What Enter shows about a base backup in the picker: where it is and as
 * whom, what it was taken from, the WAL it spans (where a recovery from it
 * starts and the earliest point it may stop), its manifest and verification.
 */
export function baseBackupDetailLines(entry: BaseBackupEntry): PickerLine[] {
  const lines: PickerLine[] = [
    { text: `${entry.id}  (base backup, ${entry.status}${entry.verifiedAt ? `, verified ${entry.verifiedAt}` : ', not verified'})` },
    { text: `path      ${entry.path} on ${entry.host} (${entry.format}, owned by ${entry.osUser})` },
    { text: `from      ${entry.node} (PostgreSQL ${entry.serverVersion}), ${entry.pgBasebackupVersion}` },
    { text: `label     ${entry.label}` },
    { text: `WAL       timeline ${entry.timeline ?? '?'}, ${entry.startLsn ?? '?'} → ${entry.endLsn ?? '?'}` },
    { text: `time      ${entry.startTime ?? '?'} → ${entry.endTime ?? '?'} (a recovery may stop from the end on)` },
    { text: `taken     ${entry.startedAt} → ${entry.finishedAt ?? '?'}${entry.sizeBytes !== undefined ? `, ${formatBytes(entry.sizeBytes)}` : ''}` },
    { text: `manifest  ${entry.manifest ? `yes${entry.manifestSha256 ? `, SHA-256 ${entry.manifestSha256.slice(0, 16)}…` : ''}` : 'none (PostgreSQL 12): pg_verifybackup cannot check it'}` },
  ];
  if (entry.systemIdentifier) lines.push({ text: `system    ${entry.systemIdentifier}` });
  if (entry.error) lines.push({ text: `error     ${entry.error}` });
  lines.push({ text: 'recover from it: pgcockpit window (how far), pgcockpit pitr --backup ' + entry.id, muted: true });
  return lines;
}

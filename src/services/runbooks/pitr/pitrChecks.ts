import type { BaseBackupEntry } from '../../backups/baseBackupEntry.js';
import type { PreflightCheck } from '../plan.js';
import type { RecoveryAction } from './recoverySettings.js';
import type { CopyBackFacts, PitrHostFacts, PitrOptions } from './pitrTypes.js';

/** The PITR's checks on what its host and production said (the target's own are in targetWindow.ts). */

export const major = (version: string | undefined) => Number(/(\d+)(?:\.\d+)?/.exec(version ?? '')?.[1] ?? NaN);

/** The host's checks: the destination is new, the port free, the programs the backup's major, the archive readable there. */
export function hostChecks(host: PitrHostFacts, backup: BaseBackupEntry): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  if (host.problem) return [{ label: `${host.host}'s host answers as ${backup.osUser}`, status: 'fail', observed: host.problem }];
  checks.push({ label: `the backup's files are on ${host.host}'s host`, status: host.backupPresent ? 'ok' : 'fail', observed: host.backupPresent ? backup.path : `${backup.path} is missing or incomplete (no ${backup.format === 'plain' ? 'backup_label' : 'base.tar'})` });
  if (host.inPlace) {
    const { node, keptDir } = host.inPlace;
    const up = host.inPlace.running || host.inPlace.answers;
    checks.push({
      label: `${node} is stopped (an in-place recovery never stops a server)`,
      status: up ? 'fail' : 'ok',
      observed: host.inPlace.running ? `a server runs on ${host.dest}` : host.inPlace.answers ? `something accepts connections on ${host.address}:${host.port}` : `no server on ${host.dest}, nothing on port ${host.port}`,
      ...(up ? { fix: `stop it yourself first if that is what you mean (pg_ctl -D ${host.dest} stop), or recover side by side (leave out --in-place)` } : {}),
    });
    checks.push({ label: `the backup is on ${node}'s machine`, status: host.inPlace.sameMachine ? 'ok' : 'fail', observed: host.inPlace.sameMachine ? backup.path : `it is on ${backup.host}'s host`, ...(host.inPlace.sameMachine ? {} : { fix: 'copy it there, or recover side by side on its host' }) });
    checks.push({ label: `${node}'s data directory can be moved aside to ${keptDir} (kept, not deleted)`, status: host.inPlace.parentWritable ? 'ok' : 'fail', observed: host.inPlace.parentWritable ? `${host.dest}: ${host.destState}` : `the directory holding ${host.dest} is not writable by ${backup.osUser}` });
  }
  const destOk = host.inPlace !== undefined || host.destState === 'absent' || host.destState === 'empty';
  if (!host.inPlace) checks.push({
    label: `the new data directory ${host.dest} is new or empty`,
    status: destOk ? 'ok' : 'fail',
    observed: host.destState,
    ...(destOk ? {} : { fix: host.destState === 'parent not writable' ? `${backup.osUser} must be able to create it: choose another --restore-to` : 'choose a directory that does not exist (--restore-to): pgcockpit never writes into a used one' }),
  });
  if (!host.inPlace) checks.push({
    label: `port ${host.port} is free on ${host.address} (the copy cannot start while another server holds it)`,
    status: host.portTaken ? 'fail' : 'ok',
    observed: host.portTaken ?? 'nothing accepts connections there, no node is configured on it',
    ...(host.portTaken ? { fix: 'choose another --port, or leave it out for a free one' } : {}),
  });
  const want = major(backup.serverVersion);
  const have = major(host.postgresVersion);
  checks.push({
    label: `PostgreSQL ${Number.isNaN(want) ? '?' : want} programs on ${host.host}'s host`,
    status: !Number.isNaN(have) && have === want ? 'ok' : 'fail',
    observed: host.postgresVersion ? `${host.postgres}: ${host.postgresVersion}` : `${host.postgres} does not run there`,
    ...(have === want ? {} : { fix: `the copy needs the backup's major version (${backup.serverVersion}): set the node's pgBinDir` }),
  });
  const archiveOk = host.archiveDir !== undefined && host.archiveReadable && !host.archiveElsewhere;
  checks.push({
    label: `the WAL archive is readable there by ${backup.osUser} (restore_command reads it)`,
    status: archiveOk ? 'ok' : 'fail',
    observed: host.archiveDir === undefined ? 'the config names no archive (archive.dir)' : host.archiveElsewhere ?? (host.archiveReadable ? `${host.archiveDir}, newest segment ${host.newestSegment ?? '(none)'}` : `${host.archiveDir} cannot be read`),
  });
  return checks;
}

/** --copy-back: a copy that stays up (not shut down, not in place), production's primary found, the table absent there. */
export function copyBackChecks(options: PitrOptions, action: RecoveryAction, facts: CopyBackFacts | undefined): PreflightCheck[] {
  const table = options.copyBack ?? '';
  const checks: PreflightCheck[] = [];
  if (options.inPlace !== undefined) checks.push({ label: '--copy-back copies from a copy beside production', status: 'fail', observed: '--in-place was given: there is no production to copy into', fix: 'leave out one of them' });
  if (action === 'shutdown') checks.push({ label: '--copy-back needs the copy up', status: 'fail', observed: '--action shutdown stops it at the target', fix: '--action promote, or auto (the default: promote with --copy-back)' });
  // Paused before the DROP's commit, the startup process holds the table's AccessExclusiveLock until recovery ends: the dump would wait, then fail.
  if (action === 'pause') checks.push({ label: 'the copy can be read at the target', status: 'warn', observed: "--action pause: paused right before a DROP TABLE's commit, the copy holds its lock on the table and the dump step fails", fix: '--action promote, or auto (the default: promote with --copy-back)' });
  if (!facts || facts.problem || !facts.primary) {
    checks.push({ label: `${table} can be restored into production's primary`, status: 'fail', observed: facts?.problem ?? 'no node answered as the primary' });
    return checks;
  }
  checks.push(
    facts.tableAbsent
      ? { label: `${table} is not in ${facts.database} on the primary ${facts.primary} (nothing is replaced)`, status: 'ok', observed: 'absent (read again just before the restore, which is one transaction)' }
      : { label: `${table} is not in ${facts.database} on the primary ${facts.primary} (nothing is replaced)`, status: 'fail', observed: 'it exists there', fix: `rename it first (alter table ${table} rename to ...), or copy the rows you need by hand from the recovered copy` },
  );
  return checks;
}


import type { BaseBackupEntry } from '../../backups/baseBackupEntry.js';
import { WAL_UNREAD } from '../../pitr/recoverableWindow.js';
import type { RecoverableWindow } from '../../pitr/recoverableWindowTypes.js';
import { parseLsn } from '../../postgres/lsn.js';
import type { PreflightCheck } from '../plan.js';
import type { RecoveryTarget } from './recoveryTarget.js';
import { describeTarget, targetPosition } from './recoveryTarget.js';

/**
 * Whether a backup can reach the target, judged before anything is written:
 * recovery starts at the backup's end (its earliest consistent point) and
 * stops at the first WAL segment missing from the archive, so a target
 * before that end, past a gap, after the last archived commit, or on a
 * timeline the backup is not on cannot be reached. The server would find out
 * only after the copy, by a FATAL "recovery ended before configured recovery
 * target was reached" (PostgreSQL 13 and later) or, on 12, by quietly ending
 * recovery at the end of WAL: the wrong state, promoted. What the window's
 * bounded search did not read (`incomplete`) is not known: a warning, never
 * a refusal, and the server says when the target is not there.
 */

const ms = (iso: string) => Date.parse(iso);

/**
 * An ISO time ("2026-11-30 12:00:00.123456Z", "…T12:00:00.5+09:00") in
 * microseconds since the epoch: commit times are microseconds, and
 * Date.parse would drop all but three of their digits, so a target a few
 * microseconds after the last commit would pass for one before it.
 */
export function isoMicros(iso: string): bigint {
  const fraction = /\.(\d+)/.exec(iso)?.[1] ?? '';
  const whole = Date.parse(iso.replace(/\.\d+/, '').replace(' ', 'T'));
  return BigInt(Math.floor(whole / 1000)) * 1_000_000n + BigInt((fraction + '000000').slice(0, 6));
}

/** "from 2026-11-30 12:00:01+00:00 to 2026-11-30 12:30:00+00:00 on timeline 1": the reachable window, for a refusal. */
export function windowText(window: RecoverableWindow): string {
  const to = window.to ?? (window.incomplete?.lastCommit ? 'a last commit not found in the WAL read' : `${window.from} (no commit after it)`);
  const gap = window.gaps[0] ? `; segment ${window.gaps[0].segment} is missing from the archive` : '';
  return `from ${window.from} to ${to} on timeline ${window.timeline}${gap}`;
}

/**
 * What is written for the target: as given, except the last archived
 * commit's own time, which no later commit record would stop at (recovery
 * would run to the end of WAL and fail): there, the commit's WAL location,
 * recovered through inclusively (or stopped before with --exclusive, as the
 * time would).
 */
export function writtenTarget(target: RecoveryTarget, window: RecoverableWindow | undefined): RecoveryTarget {
  if (target.kind !== 'time' || !window?.to || !window.toLsn) return target;
  return isoMicros(target.utc) === isoMicros(window.to) ? { kind: 'lsn', value: window.toLsn } : target;
}

/** The check of a target against the backup's recoverable window (read from the catalog, the archive and pg_waldump). */
export function targetInWindowCheck(target: RecoveryTarget, backup: BaseBackupEntry, window: RecoverableWindow): PreflightCheck {
  if (windowUnread(window)) return targetAfterBackupCheck(target, backup);
  const label = `${describeTarget(target)} is inside ${backup.id}'s recoverable window`;
  const can = `it can reach ${windowText(window)}`;
  const fail = (observed: string, fix: string): PreflightCheck => ({ label, status: 'fail', observed: `${observed}; ${can}`, fix });
  // A search stopped at its bound: what it did not find is not known, and the server finds out while replaying (and stops with the reason).
  const unknown = (observed: string): PreflightCheck => ({ label, status: 'warn', observed, fix: 'not checked before the copy: a target the archived WAL does not reach stops the recovery with the server\'s reason' });
  if (window.problem) return fail(window.problem, 'pick another backup (--backup auto), or take a base backup now (pgcockpit basebackup)');
  const gap = window.gaps[0];
  const pastGap = gap ? ` (recovery cannot pass the missing segment ${gap.segment} at ${gap.atLsn})` : '';
  switch (target.kind) {
    case 'time': {
      // Recovery stops at a time only before a commit made after it: the last archived commit is the first time it cannot stop at.
      const at = isoMicros(target.utc);
      if (at < isoMicros(window.from)) return fail(`${target.value} is before the backup's end ${window.from}`, 'choose a later time, or an older backup whose window holds it (--backup auto)');
      if (window.to === null && window.incomplete?.lastCommit) return unknown(`${window.from} ≤ ${target.value}; ${window.incomplete.lastCommit}${pastGap}`);
      if (window.to === null) return fail(`no commit was archived after the backup's end${pastGap}`, '--target immediate recovers to the backup\'s end');
      const last = isoMicros(window.to);
      if (at > last) {
        const through = window.toLsn ? `; the last archived commit itself: --target-time ${window.to} or --target-lsn ${window.toLsn}` : '';
        return fail(
          `${target.value} is after the last archived commit ${window.to}${pastGap}: recovery stops at a time only before a commit made after it, and none was archived`,
          (gap ? 'the archive lost a segment: choose a time before it' : 'choose an earlier time, or wait until newer WAL is archived (select pg_switch_wal())') + through,
        );
      }
      if (at === last && window.toLsn) {
        return { label, status: 'ok', observed: `${target.value} is the last archived commit's own time: written as recovery_target_lsn = '${window.toLsn}' (that commit's record), since no later commit would stop a time target; timeline ${window.timeline}` };
      }
      return { label, status: 'ok', observed: `${window.from} ≤ ${target.value} < ${window.to} (the last archived commit), timeline ${window.timeline}` };
    }
    case 'lsn': {
      const at = targetPosition(target);
      if (at < parseLsn(window.fromLsn)) return fail(`${target.value} is before the backup's end ${window.fromLsn}`, 'choose a later location, or an older backup');
      if (window.toLsn === null && window.incomplete?.lastCommit) return unknown(`${window.fromLsn} ≤ ${target.value}; ${window.incomplete.lastCommit}${pastGap}`);
      if (window.toLsn === null || at > parseLsn(window.toLsn)) return fail(`${target.value} is after the last archived commit ${window.toLsn ?? '(none)'}${pastGap}`, 'choose an earlier location');
      return { label, status: 'ok', observed: `${window.fromLsn} ≤ ${target.value} ≤ ${window.toLsn}, timeline ${window.timeline}` };
    }
    case 'name': {
      const point = window.restorePoints.find((candidate) => candidate.name === target.value);
      if (!point) {
        const known = window.restorePoints.map((candidate) => `"${candidate.name}"`).join(', ');
        if (window.incomplete?.restorePoints) return unknown(`no restore point "${target.value}" in the WAL read${known ? ` (there are ${known})` : ''}, but ${window.incomplete.restorePoints}${pastGap}`);
        return fail(`no restore point "${target.value}" in the archived WAL after the backup${known ? ` (there are ${known})` : ''}${pastGap}`, 'name one that is there, or give --target-time');
      }
      // Recovery stops at the first restore point of that name after the backup's end: one in WAL not read would come first.
      const earlier = window.incomplete?.restorePoints ? `; ${window.incomplete.restorePoints}, and recovery would stop at an earlier one of the same name first` : '';
      return { label, status: 'ok', observed: `restore point "${point.name}" at ${point.at} (${point.lsn}), timeline ${window.timeline}${earlier}` };
    }
    case 'immediate':
      return { label, status: 'ok', observed: `the backup's end ${window.from} (${window.fromLsn}), timeline ${window.timeline}` };
  }
}

/**
 * Until the archive's window is read: the one thing the catalog alone says,
 * that a target before the backup's end is unreachable. What lies after it
 * (gaps, the last commit) the server finds out, and says so.
 */
export function targetAfterBackupCheck(target: RecoveryTarget, backup: BaseBackupEntry): PreflightCheck {
  const label = `${describeTarget(target)} is after ${backup.id}'s end`;
  const unknown = (observed: string): PreflightCheck => ({ label, status: 'warn', observed, fix: 'the archive after the backup is not read yet: a gap or a target past the last archived commit stops the recovery with the reason' });
  switch (target.kind) {
    case 'time':
      if (!backup.endTime) return unknown('the catalog has no end time for this backup');
      return isoMicros(target.utc) < isoMicros(backup.endTime)
        ? { label, status: 'fail', observed: `${target.value} is before the backup's end ${backup.endTime}: it can reach ${backup.endTime} and later`, fix: 'choose a later time, or an older backup (--backup auto)' }
        : { label, status: 'ok', observed: `the backup ended ${backup.endTime}` };
    case 'lsn':
      if (!backup.endLsn) return unknown('the catalog has no end LSN for this backup');
      return targetPosition(target) < parseLsn(backup.endLsn)
        ? { label, status: 'fail', observed: `${target.value} is before the backup's end ${backup.endLsn}: it can reach ${backup.endLsn} and later`, fix: 'choose a later location, or an older backup' }
        : { label, status: 'ok', observed: `the backup ended at ${backup.endLsn}` };
    case 'name':
      return unknown('a restore point is looked for in the archive while replaying');
    case 'immediate':
      return { label, status: 'ok', observed: `the backup's end ${backup.endTime ?? backup.endLsn ?? '?'}` };
  }
}

/** pg_waldump could not read the WAL (missing, or another major's): the window is unknown, not empty. */
export function windowUnread(window: RecoverableWindow): boolean {
  return window.problem !== undefined && window.problem.startsWith(WAL_UNREAD);
}

/** Complete backups only: a running, failed or cancelled one is no starting point. */
export function isRecoverable(backup: BaseBackupEntry): boolean {
  return backup.status === 'complete';
}

/**
 * --backup auto: the newest complete backup that ended before the target
 * (the one with the least WAL to replay); with windows, the newest whose
 * window holds it. A name or immediate target: the newest complete one
 * (whose window holds the restore point, when windows are known).
 */
export function chooseBackup(backups: readonly BaseBackupEntry[], target: RecoveryTarget, windows?: readonly RecoverableWindow[]): { ok: true; backup: BaseBackupEntry } | { ok: false; reason: string } {
  const endOf = (backup: BaseBackupEntry) => ms(backup.endTime ?? backup.finishedAt ?? backup.startedAt) || 0;
  const complete = backups.filter(isRecoverable).sort((a, b) => endOf(b) - endOf(a));
  if (complete.length === 0) return { ok: false, reason: 'the catalog holds no complete base backup: take one first (pgcockpit basebackup)' };
  // One whose window holds the target first; else one whose window could not say (a search stopped at its bound), newest first.
  const verdict = (backup: BaseBackupEntry) => {
    const window = windows?.find((candidate) => candidate.backupId === backup.id && !windowUnread(candidate));
    if (window) return targetInWindowCheck(target, backup, window).status;
    return targetAfterBackupCheck(target, backup).status === 'fail' ? 'fail' : 'ok';
  };
  const verdicts = complete.map((backup) => ({ backup, status: verdict(backup) }));
  const fit = verdicts.find((candidate) => candidate.status === 'ok') ?? verdicts.find((candidate) => candidate.status === 'warn');
  if (fit) return { ok: true, backup: fit.backup };
  const reach = complete
    .slice(0, 5)
    .map((backup) => {
      const window = windows?.find((candidate) => candidate.backupId === backup.id && !windowUnread(candidate));
      return `${backup.id}: ${window ? windowText(window) : `from ${backup.endTime ?? backup.endLsn ?? '?'}`}`;
    })
    .join('; ');
  return { ok: false, reason: `no complete base backup can reach ${describeTarget(target)} (${reach})` };
}

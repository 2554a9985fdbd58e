import { parseLsn } from '../../postgres/lsn.js';
import { readTargetTime } from '../../pitr/recoveryTargetTime.js';

/**
 * Where recovery stops: the one recovery_target_* a PITR writes. PostgreSQL
 * (12 and later) refuses to start with two of them set ("multiple recovery
 * targets specified"), so the DBA names exactly one.
 */
export type RecoveryTarget =
  | { kind: 'time'; /** written: explicit numeric offset */ value: string; utc: string; reading: string }
  | { kind: 'name'; value: string }
  | { kind: 'lsn'; value: string }
  | { kind: 'immediate' };

/** The target as the command line or the form gives it: one of these, the others empty. */
export interface TargetInput {
  time?: string;
  name?: string;
  lsn?: string;
  /** --target: only "immediate" (the backup's end, its earliest consistent point). */
  target?: string;
}

export type TargetReading = { ok: true; target: RecoveryTarget } | { ok: false; reason: string };

const LSN = /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/;

/** Reads the one target given; a time is read by readTargetTime in the server's TimeZone (always written with a numeric offset). */
export function readRecoveryTarget(input: TargetInput, serverTimeZone: string): TargetReading {
  const given = (['time', 'name', 'lsn', 'target'] as const).filter((key) => (input[key] ?? '').trim() !== '');
  if (given.length === 0) return { ok: false, reason: 'no recovery target: give one of --target-time, --target-name, --target-lsn or --target immediate' };
  if (given.length > 1) return { ok: false, reason: `${given.map(flagOf).join(' and ')} given: PostgreSQL takes one recovery target, name one` };
  const kind = given[0]!;
  const text = input[kind]!.trim();
  switch (kind) {
    case 'time': {
      const time = readTargetTime(text, serverTimeZone);
      return time.ok ? { ok: true, target: { kind: 'time', value: time.value, utc: time.utc, reading: time.reading } } : { ok: false, reason: time.reason };
    }
    case 'name':
      return { ok: true, target: { kind: 'name', value: text } };
    case 'lsn':
      return LSN.test(text) ? { ok: true, target: { kind: 'lsn', value: text.toUpperCase() } } : { ok: false, reason: `"${text}" is not a WAL location: write it as pg_current_wal_lsn() shows it (0/5000028)` };
    case 'target':
      return text === 'immediate' ? { ok: true, target: { kind: 'immediate' } } : { ok: false, reason: `--target takes only "immediate" (the backup's end), not "${text}"` };
  }
}

function flagOf(key: keyof TargetInput): string {
  return key === 'target' ? '--target' : `--target-${key}`;
}

/** The setting's name and value: recovery_target_time = '2026-11-30 12:00:00+09:00'. */
export function targetSetting(target: RecoveryTarget): { name: string; value: string } {
  switch (target.kind) {
    case 'time':
      return { name: 'recovery_target_time', value: target.value };
    case 'name':
      return { name: 'recovery_target_name', value: target.value };
    case 'lsn':
      return { name: 'recovery_target_lsn', value: target.value };
    case 'immediate':
      return { name: 'recovery_target', value: 'immediate' };
  }
}

/** "2026-11-30 12:00:00+09:00", "restore point before_upgrade", "WAL location 0/5000028", "the backup's end". */
export function describeTarget(target: RecoveryTarget): string {
  switch (target.kind) {
    case 'time':
      return target.value;
    case 'name':
      return `restore point "${target.value}"`;
    case 'lsn':
      return `WAL location ${target.value}`;
    case 'immediate':
      return "the backup's end (its earliest consistent point)";
  }
}

/** The position of an LSN target. */
export function targetPosition(target: Extract<RecoveryTarget, { kind: 'lsn' }>): bigint {
  return parseLsn(target.value);
}

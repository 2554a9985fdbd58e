import { readTargetTime } from '../../pitr/recoveryTargetTime.js';
import type { RunbookEntry } from '../registry.js';
import type { PitrOptions, PitrPlan } from './planPitr.js';
import type { RecoveryAction } from './recoverySettings.js';
import { RECOVERY_ACTIONS } from './recoverySettings.js';

/**
 * Point-in-time recovery as a registry entry: a base backup of the catalog
 * restored side by side (a new data directory and port on the host holding
 * the backup; production is not touched), replayed from the archive to one
 * target. Its target is the backup (`--backup ID|auto`); the recovery target
 * and the destination (a new directory and port, or --in-place NODE) are the
 * form's fields, hence the subcommand's flags.
 */
export const pitrEntry: RunbookEntry<PitrPlan, PitrOptions> = {
  kind: 'pitr',
  // On the node grid, whatever node is selected: the form's plan recovers the newest base backup that reaches the target (--backup auto).
  key: 't',
  keyHelp: { description: 'point-in-time recovery side by side from the newest base backup that reaches the target (a form: target time, action, destination; then the plan)', footer: 'pitr' },
  confirmVerb: 'recover it side by side',
  cli: {
    name: 'pitr',
    description:
      'point-in-time recovery side by side: a base backup copied into a new data directory on a free port of its host, the archived WAL replayed to one target checked first (--dry-run prints the plan, --yes runs it); production is not touched',
    target: { option: '--backup <id>', description: 'the base backup ("auto": the newest complete one that ended before the target)' },
    options: [],
  },
  form: {
    fields: [
      {
        kind: 'text',
        name: 'time',
        label: 'target time',
        flag: '--target-time',
        hint: 'ISO 8601 or PostgreSQL input: 2026-11-30 12:00:00+09:00, Z, or a zone name (Asia/Seoul); no zone: the server\'s TimeZone; abbreviations refused',
        // Read as far as it can be without the server: a zone abbreviation or a date that is no date is refused in the form; the plan shows how the server reads the rest.
        validate: (value) => {
          if (value.trim() === '') return undefined;
          const read = readTargetTime(value, 'UTC');
          return read.ok ? undefined : read.reason;
        },
      },
      { kind: 'text', name: 'name', label: 'or target restore point', flag: '--target-name', hint: 'a restore point (pg_create_restore_point)' },
      {
        kind: 'text',
        name: 'lsn',
        label: 'or target WAL location',
        flag: '--target-lsn',
        hint: '0/5000028, as pg_current_wal_lsn() shows it',
        validate: (value) => (value.trim() === '' || /^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/.test(value.trim()) ? undefined : 'a WAL location as pg_current_wal_lsn() shows it: 0/5000028'),
      },
      { kind: 'text', name: 'target', label: 'or target (immediate)', flag: '--target', hint: 'immediate: the backup\'s end, its earliest consistent point', validate: (value) => (value.trim() === '' || value.trim() === 'immediate' ? undefined : 'only "immediate"') },
      // auto, the default, leaves the choice to the planner: pause, or promote with a table to copy back (a copy paused before the DROP's commit holds the table's lock).
      {
        kind: 'choice',
        name: 'action',
        label: 'at the target (auto, pause, promote, shutdown)',
        choices: ['auto', ...RECOVERY_ACTIONS],
        default: 'auto',
        flag: '--action',
        hint: 'auto: pause, or promote when a table is copied back; pause: read-only at the target, to inspect (then resume or promote); promote: a writable copy; shutdown: stopped there',
      },
      { kind: 'toggle', name: 'exclusive', label: 'stop just before the target', flag: '--exclusive', default: false, hint: 'recovery_target_inclusive off: a commit exactly at the target time or location is not replayed' },
      { kind: 'text', name: 'restoreTo', label: 'new data directory (side by side)', flag: '--restore-to', hint: 'empty: beside the data directory of the node holding the backup (<dataDir>.pgcockpit-pitr-<time>); must not exist or be empty' },
      {
        kind: 'text',
        name: 'inPlace',
        label: 'in place on a stopped node',
        flag: '--in-place',
        hint: 'empty: side by side (production untouched); a stopped node: its data directory moved aside (kept) and the backup recovered in its place, on its port',
      },
      {
        kind: 'text',
        name: 'copyBack',
        label: 'copy back a table into production',
        flag: '--copy-back',
        hint: 'empty: nothing; schema.table: once recovered, dumped from the copy (pg_dump -t) and restored into the production primary, where it must not exist (the action auto promotes then: paused, the copy may hold the table\'s lock)',
      },
      { kind: 'text', name: 'db', label: 'the database of that table', flag: '--db', hint: "empty: the node's configured database" },
      {
        kind: 'text',
        name: 'port',
        label: 'port of the copy',
        flag: '--port',
        hint: 'empty: a free one on that host',
        validate: (value) => (value.trim() === '' || (/^\d+$/.test(value.trim()) && Number(value) > 0 && Number(value) < 65536) ? undefined : 'a TCP port, 1 to 65535, or empty'),
      },
    ],
  },
  fromForm: (values) => {
    const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string).trim() : '');
    return {
      target: { time: text('time'), name: text('name'), lsn: text('lsn'), target: text('target') },
      ...(text('action') !== '' && text('action') !== 'auto' ? { action: text('action') as RecoveryAction } : {}),
      ...(values.exclusive === true ? { exclusive: true } : {}),
      ...(text('restoreTo') !== '' ? { restoreTo: text('restoreTo') } : {}),
      ...(text('port') !== '' ? { port: Number(text('port')) } : {}),
      ...(text('inPlace') !== '' ? { inPlace: text('inPlace') } : {}),
      ...(text('copyBack') !== '' ? { copyBack: text('copyBack') } : {}),
      ...(text('db') !== '' ? { database: text('db') } : {}),
    };
  },
  prepare: async (config, backupId, options) => (await import('./preparePitr.js')).preparePitr(config, backupId, options),
  fromChoices: () => ({}),
  succeeded: (plan) => plan.succeededLine(),
};

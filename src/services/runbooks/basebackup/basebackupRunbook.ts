import type { RunbookEntry } from '../registry.js';
import type { BaseBackupOptions, BaseBackupPlan } from './planBaseBackup.js';

/**
 * The base backup runbook's registry entry: `pgcockpit basebackup --node N
 * [--format plain|tar] [--dry-run|--yes]`, and `F` (a full physical copy)
 * on the node grid: the format asked, then the plan. The backups picker
 * (`B`) lists what it made.
 */
export const basebackupEntry: RunbookEntry<BaseBackupPlan, BaseBackupOptions> = {
  kind: 'basebackup',
  key: 'F',
  keyHelp: { description: 'base backup: a full physical copy of the selected node with pg_basebackup into the catalog, for point-in-time recovery (a form: format; then the plan)', footer: 'base backup' },
  confirmVerb: 'back it up',
  cli: {
    name: 'basebackup',
    description:
      "base backup for point-in-time recovery: pg_basebackup of a node as the OS user on the backups host (backups.host, else the node's own when it is this machine) into backups.dir/<cluster>/.base, WAL streamed, manifest verified with pg_verifybackup, recorded in the catalog (--dry-run prints the plan, --yes runs it)",
    target: { option: '--node <node>', description: 'the node to copy; "standby": a caught-up standby (sparing the primary), else the primary' },
    options: [
      {
        flags: '--max-rate <MiB>',
        description: "copy at most this many MiB a second (pg_basebackup --max-rate): spares the node's disks and network",
        value: 'mebibytes',
        apply: (value) => (typeof value === 'number' ? { maxRateKbps: Math.max(32, Math.round(value * 1024)) } : {}),
      },
    ],
  },
  form: {
    fields: [
      {
        kind: 'choice',
        name: 'format',
        label: 'format',
        choices: ['plain', 'tar'],
        default: 'plain',
        flag: '--format',
        hint: 'plain: a data directory, ready to start once restored; tar: base.tar and pg_wal.tar (pg_verifybackup reads them from PostgreSQL 18 on)',
      },
    ],
  },
  fromForm: (values) => (values.format === 'plain' || values.format === 'tar' ? { format: values.format } : {}),
  prepare: async (config, target, options, memory) =>
    (await import('./prepareBaseBackup.js')).prepareBaseBackup(config, target, options, memory?.sessions ? { sessions: memory.sessions } : {}),
  fromChoices: () => ({}),
  succeeded: (plan) => `${plan.id ?? '?'} is complete: ${plan.path ?? '?'} on ${plan.host ?? '?'} (in the catalog: pgcockpit backups)`,
};

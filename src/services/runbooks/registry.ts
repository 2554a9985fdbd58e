import type { CockpitConfig } from '../config/schema.js';
import type { LastSeenSlots } from '../cluster/lastSeenSlots.js';
import type { FormSpec, FormValues, LiveLists } from './form.js';
import type { Plan } from './plan.js';
import type { PlanSessions } from './sqlSessions.js';
import type { FailoverOptions, FailoverPlan } from './failover/planFailover.js';
import type { SwitchoverOptions, SwitchoverPlan } from './switchover/planSwitchover.js';
import type { RebuildMethod } from './rebuild/chooseMethod.js';
import { REBUILD_METHODS } from './rebuild/chooseMethod.js';
import type { RebuildOptions, RebuildPlan } from './rebuild/planRebuild.js';
import { rebuildCommand } from '../cluster/rebuildCommand.js';
import type { BackupOptions, BackupPlan } from './backup/planBackup.js';
import { BACKUP_FORMATS } from './backup/backupFormats.js';
import type { BackupFormat } from '../backups/backupEntry.js';
import { restoreEntry } from './restore/restoreEntry.js';
import { pitrEntry } from './pitr/pitrEntry.js';
import { basebackupEntry } from './basebackup/basebackupRunbook.js';
import { archiveEntry } from './archive/archiveEntry.js';

/** How a command-line value is read: seconds and MiB are checked and turned into what the planner takes. */
export type OptionValue = 'flag' | 'seconds' | 'mebibytes';

/** One option of a runbook's subcommand and what it sets in the planner's options. */
export interface RunbookOption<O> {
  /** commander's flags: "--fence", "--promote-timeout <seconds>". */
  flags: string;
  description: string;
  value: OptionValue;
  /** The planner's options for the value given (seconds and MiB arrive as numbers, flags as true). */
  apply(value: number | true): Partial<O>;
}

/**
 * A runbook as one entry: its key and verb in the cockpit, its subcommand
 * (how the target is named, its options), how a plan is prepared (one look at
 * the cluster, nothing changed) and the line a finished plan ends with. The
 * CLI's subcommands are made from these entries; a new runbook is its own
 * folder under src/services/runbooks/ plus one entry here.
 */
/** The runbooks the cockpit and the CLI know (the store's OperationKind is this). */
export type RunbookKind = 'failover' | 'switchover' | 'rebuild' | 'backup' | 'restore' | 'basebackup' | 'pitr' | 'archive';

/** What the DBA accepted in the cockpit's modal before the plan was made again: Ctrl-F fence, Ctrl-R resume replay. */
export interface ModalChoices {
  fence?: boolean;
  resumeReplay?: boolean;
}

export interface RunbookEntry<P extends Plan = Plan, O = object> {
  kind: RunbookKind;
  /**
   * The cockpit key that opens its plan for the selected node, with its line in
   * the help and its footer hint. Absent: opened from elsewhere (restore, from
   * the backups picker's `r`), not from the node grid.
   */
  key?: string;
  keyHelp: { description: string; footer: string };
  /** What typing the confirmation word does: "type pg2 to promote it". */
  confirmVerb: string;
  cli: {
    /** The subcommand, "archive setup" for one under a parent. */
    name: string;
    /**
     * Its subcommand is written by hand in src/main.ts (`archive setup`, under
     * `archive`, with output of its own): none is made from this entry, whose
     * name, description and options say what it is (the modal's --dry-run line).
     */
    handWritten?: true;
    description: string;
    /** The target node: the subcommand's argument, or a required option (switchover --to NODE). */
    target: { argument: string; description: string } | { option: string; description: string };
    options: RunbookOption<O>[];
  };
  /** memory.sessions: the sessions the plan's steps will use, opened by the planner while the plan is on screen (the caller closes them). */
  prepare(config: CockpitConfig, target: string, options: O, memory?: { lastSeenSlots?: Readonly<Record<string, LastSeenSlots>>; sessions?: PlanSessions }): Promise<P>;
  /** The last line after every step succeeded. */
  succeeded(plan: P): string;
  /** The planner's options for what the DBA chose in the cockpit's modal (the offers a plan made). */
  fromChoices(choices: ModalChoices): Partial<O>;
  /** What the cockpit asks before planning (fields with defaults and checks); absent: the plan is made at once. */
  form?: FormSpec;
  /** The planner's options for the form's values (only with a form). */
  fromForm?(values: FormValues): Partial<O>;
  /** The live lists its form's choices come from (the target's databases), read when the form opens; nothing changed. */
  formLists?(config: CockpitConfig, target: string): Promise<LiveLists>;
}

const seconds = (set: (ms: number) => object) => (value: number | true) => (typeof value === 'number' ? set(value * 1000) : {});

export const failoverEntry: RunbookEntry<FailoverPlan, FailoverOptions> = {
  kind: 'failover',
  key: 'p',
  keyHelp: { description: 'failover: promote the selected standby (plan, then its name)', footer: 'promote' },
  confirmVerb: 'promote it',
  cli: {
    name: 'promote',
    description: 'failover: promote a standby to primary when the primary is gone (plan first: --dry-run prints it, --yes runs it)',
    target: { argument: '<node>', description: 'the standby to promote' },
    options: [
      { flags: '--resume-replay', description: 'resume a paused WAL replay on the node (and on the standbys that will follow it) first', value: 'flag', apply: () => ({ resumeReplay: true }) },
      {
        flags: '--fence',
        description: "stop the old primary's server through its host first when it still runs there but does not let pgcockpit in (so it cannot stay a second primary)",
        value: 'flag',
        apply: () => ({ fence: true }),
      },
      {
        flags: '--allow-two-primaries',
        description: 'DANGER: promote although the old primary is alive (it answers, runs, or feeds a standby) and is not fenced; you then type "two primaries" (even with --yes, on a terminal)',
        value: 'flag',
        apply: () => ({ allowTwoPrimaries: true }),
      },
      {
        flags: '--ignore-failover-slots',
        description: "promote although the primary's failover slots (PostgreSQL 17+) have no synced copy on the node: their subscribers then stop",
        value: 'flag',
        apply: () => ({ ignoreFailoverSlots: true }),
      },
      { flags: '--promote-timeout <seconds>', description: 'how long the node has to leave recovery (default 60)', value: 'seconds', apply: seconds((ms) => ({ promoteTimeoutMs: ms })) },
      { flags: '--stream-timeout <seconds>', description: 'how long each re-pointed standby has to stream from it (default 30)', value: 'seconds', apply: seconds((ms) => ({ streamTimeoutMs: ms })) },
    ],
  },
  prepare: async (config, target, options, memory) =>
    (await import('./failover/prepareFailover.js')).prepareFailover(config, target, options, {
      ...(memory?.lastSeenSlots ? { lastSeenSlots: memory.lastSeenSlots } : {}),
      ...(memory?.sessions ? { sessions: memory.sessions } : {}),
    }),
  fromChoices: (choices) => ({ ...(choices.fence ? { fence: true } : {}), ...(choices.resumeReplay ? { resumeReplay: true } : {}) }),
  succeeded: (plan) =>
    `${plan.target} is the primary on timeline ${plan.run.timeline ?? '?'}` + (plan.run.needsRebuild.length > 0 ? `; needs rebuild: ${plan.run.needsRebuild.map((node) => `${node} (${rebuildCommand(node)})`).join(', ')}` : ''),
};

export const switchoverEntry: RunbookEntry<SwitchoverPlan, SwitchoverOptions> = {
  kind: 'switchover',
  key: 's',
  keyHelp: { description: 'switchover: make the selected standby the primary (plan first)', footer: 'switch over' },
  confirmVerb: 'switch over to it',
  cli: {
    name: 'switchover',
    description: 'switchover: move the primary role to a standby with the primary up, losing nothing; the old primary rejoins as a standby (--dry-run prints the plan, --yes runs it)',
    target: { option: '--to <node>', description: 'the standby that becomes the primary' },
    options: [
      {
        flags: '--ignore-failover-slots',
        description: "switch over although the primary's failover slots (PostgreSQL 17+) have no synced copy on the target: their subscribers then stop",
        value: 'flag',
        apply: () => ({ ignoreFailoverSlots: true }),
      },
      {
        flags: '--max-lag <MiB>',
        description: 'most lag any standby may have before the switchover starts (default 16)',
        value: 'mebibytes',
        apply: (value) => (typeof value === 'number' ? { maxLagBytes: value * 1024 * 1024 } : {}),
      },
      { flags: '--replay-timeout <seconds>', description: "how long the node has to replay the old primary's shutdown checkpoint (default 60)", value: 'seconds', apply: seconds((ms) => ({ replayTimeoutMs: ms })) },
      { flags: '--stream-timeout <seconds>', description: 'how long each standby has to stream from the new primary (default 30)', value: 'seconds', apply: seconds((ms) => ({ streamTimeoutMs: ms })) },
      {
        flags: '--copy-slots',
        description: "create the old primary's other physical slots (pg_receivewal's, a backup tool's) on the new primary and drop them from the old one",
        value: 'flag',
        apply: () => ({ copySlots: true }),
      },
    ],
  },
  prepare: async (config, target, options, memory) =>
    (await import('./switchover/prepareSwitchover.js')).prepareSwitchover(config, target, options, memory?.sessions ? { sessions: memory.sessions } : {}),
  fromChoices: () => ({}),
  succeeded: (plan) => `${plan.target} is the primary on timeline ${plan.run.promotion.timeline ?? '?'}; ${plan.oldPrimary} streams from it`,
};

export const rebuildEntry: RunbookEntry<RebuildPlan, RebuildOptions> = {
  kind: 'rebuild',
  key: 'r',
  keyHelp: { description: 'rebuild the selected node as a standby (a form: source, method; then the plan)', footer: 'rebuild' },
  confirmVerb: 'rebuild it',
  cli: {
    name: 'rebuild',
    description:
      'rebuild a node as a standby: stop it, keep its data directory aside, copy the source with pg_basebackup as its OS user, give the copy its own settings, start it streaming (--dry-run prints the plan, --yes runs it)',
    target: { argument: '<node>', description: 'the node to rebuild (an old primary after a failover, a damaged standby)' },
    options: [
      {
        flags: '--min-free <MiB>',
        description: "free space that must stay on the node's filesystem after the copy (default 10% of the copy + 256)",
        value: 'mebibytes',
        apply: (value) => (typeof value === 'number' ? { minFreeBytes: value * 1024 * 1024 } : {}),
      },
      {
        flags: '--max-rate <MiB>',
        description: "copy at most this many MiB a second (pg_basebackup --max-rate): spares the source's disks and network",
        value: 'mebibytes',
        apply: (value) => (typeof value === 'number' ? { maxRateKbps: Math.max(32, Math.round(value * 1024)) } : {}),
      },
      { flags: '--stream-timeout <seconds>', description: 'how long the rebuilt node has to stream once started (default 60)', value: 'seconds', apply: seconds((ms) => ({ streamTimeoutMs: ms })) },
    ],
  },
  form: {
    fields: [
      {
        kind: 'choice',
        name: 'from',
        label: 'copy from',
        choices: 'nodes',
        also: ['primary'],
        default: 'primary',
        flag: '--from',
        hint: 'primary: the current primary, the node the others stream from',
      },
      {
        kind: 'choice',
        name: 'method',
        label: 'method',
        choices: REBUILD_METHODS,
        default: 'auto',
        flag: '--method',
        hint: 'auto: pg_rewind when the node forked from the source and rewinding moves less than a copy (it copies the source\'s whole pg_wal); else pg_basebackup',
      },
    ],
  },
  fromForm: (values) => ({
    ...(typeof values.from === 'string' && values.from !== '' ? { from: values.from } : {}),
    ...(typeof values.method === 'string' ? { method: values.method as RebuildMethod } : {}),
  }),
  prepare: async (config, target, options, memory) =>
    (await import('./rebuild/prepareRebuild.js')).prepareRebuild(config, target, options, memory?.sessions ? { sessions: memory.sessions } : {}),
  fromChoices: () => ({}),
  succeeded: (plan) => `${plan.target} streams from ${plan.source ?? '?'}; its old data directory is kept at ${plan.asideDir ?? '?'}`,
};

export const backupEntry: RunbookEntry<BackupPlan, BackupOptions> = {
  kind: 'backup',
  key: 'b',
  keyHelp: { description: 'backup: pg_dump a database of the selected node into the catalog (a form: database, format, tables; then the plan)', footer: 'backup' },
  confirmVerb: 'dump it',
  cli: {
    name: 'backup',
    description:
      'backup: dump one database of a node with pg_dump, run here as you into backups.dir, recorded in the catalog (a standby spares the primary; --dry-run prints the plan, --yes runs it)',
    target: { option: '--node <node>', description: 'the node to dump from; "standby": a caught-up standby (sparing the primary), else the primary' },
    options: [],
  },
  form: {
    fields: [
      { kind: 'choice', name: 'db', label: 'database', choices: 'databases', flag: '--db', hint: "the node's databases (pg_database), largest first" },
      {
        kind: 'choice',
        name: 'format',
        label: 'format',
        choices: BACKUP_FORMATS,
        default: 'custom',
        flag: '--format',
        hint: 'custom: one compressed file, pg_restore picks tables from it; directory: one file a table, dumped with --jobs in parallel; plain: SQL for psql',
      },
      {
        kind: 'text',
        name: 'jobs',
        label: 'jobs',
        flag: '--jobs',
        hint: 'parallel pg_dump workers (directory format only); empty: one',
        validate: (value) => (value.trim() === '' || /^[1-9]\d*$/.test(value.trim()) ? undefined : 'a whole number ≥ 1, or empty'),
      },
      { kind: 'text', name: 'tables', label: 'tables', flag: '--table', repeatable: true, hint: 'only these tables (schema.table, comma-separated); empty: the whole database' },
    ],
  },
  fromForm: (values) => {
    const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string).trim() : '');
    const tables = text('tables').split(',').map((table) => table.trim()).filter((table) => table !== '');
    return {
      ...(text('db') !== '' ? { database: text('db') } : {}),
      ...(text('format') !== '' ? { format: text('format') as BackupFormat } : {}),
      ...(text('jobs') !== '' ? { jobs: Number(text('jobs')) } : {}),
      ...(tables.length > 0 ? { tables } : {}),
    };
  },
  formLists: async (config, target) => ({ databases: await (await import('./backup/prepareBackup.js')).readDatabaseChoices(config, target) }),
  prepare: async (config, target, options) => (await import('./backup/prepareBackup.js')).prepareBackup(config, target, options),
  fromChoices: () => ({}),
  succeeded: (plan) => `${plan.id ?? '?'} is complete: ${plan.path ?? '?'} (restorable, in the catalog)`,
};

/**
 * Every runbook, in the order the CLI's help lists them. The entries are
 * data; each `prepare` imports its planner when called, so a command line
 * that plans nothing (--version, status, --help) never loads them.
 */
export const RUNBOOKS = [failoverEntry, switchoverEntry, rebuildEntry, backupEntry, restoreEntry, basebackupEntry, pitrEntry, archiveEntry] as const;

/** The entry of a runbook kind. */
export function runbookEntry(kind: RunbookKind): RunbookEntry<Plan, object> {
  const entry = RUNBOOKS.find((candidate) => candidate.kind === kind);
  if (!entry) throw new Error(`no runbook of kind ${kind}`);
  return entry as unknown as RunbookEntry<Plan, object>;
}

import type { RunbookEntry } from '../registry.js';
import type { RestoreOptions, RestorePlan } from './planRestore.js';

const listOf = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : [];

/**
 * The restore runbook's registry entry. Its target is a catalog dump's id
 * (`pgcockpit restore ID --to NODE`); it has no key on the node grid: the
 * backups picker (`B`) opens its form with `r` on the dump selected.
 */
export const restoreEntry: RunbookEntry<RestorePlan, RestoreOptions> = {
  kind: 'restore',
  keyHelp: { description: 'restore the selected dump (a form: target node, new database name, tables; then the plan)', footer: 'restore' },
  confirmVerb: 'restore into it',
  cli: {
    name: 'restore',
    description:
      'restore a dump of the catalog with the tool its format needs (pg_restore -j, or psql for plain), into a new database on a writable primary by default; the checksum is checked first (--dry-run prints the plan, --yes runs it)',
    target: { argument: '<backup-id>', description: 'the dump, as pgcockpit backups lists it' },
    options: [{ flags: '--drop-replaced', description: 'with --replace: drop the database renamed aside once the restore succeeded (default: kept)', value: 'flag', apply: () => ({ dropReplaced: true }) }],
  },
  form: {
    fields: [
      { kind: 'choice', name: 'to', label: 'restore on', choices: 'nodes', also: ['primary'], default: 'primary', flag: '--to', hint: 'primary: the current primary (a standby cannot be written to)' },
      {
        kind: 'text',
        name: 'db',
        label: 'into database',
        flag: '--db',
        hint: 'empty: a new database <db>_restored_<UTC time>, so nothing there is touched; an existing one needs --replace (or --table)',
        validate: (value) => (/["\0]/.test(value) ? 'a database name without " or NUL' : undefined),
      },
      { kind: 'text', name: 'tables', label: 'tables', flag: '--table', repeatable: true, hint: 'only these tables (schema.table, comma-separated); empty: the whole dump' },
      { kind: 'toggle', name: 'replace', label: 'replace', flag: '--replace', default: false, hint: 'an existing database is renamed aside, existing tables moved aside (kept, not dropped); you type the name' },
      {
        kind: 'text',
        name: 'jobs',
        label: 'jobs',
        flag: '--jobs',
        hint: 'pg_restore -j: tables restored at a time (custom and directory formats); empty: 2',
        validate: (value) => (value.trim() === '' || /^[1-9]\d*$/.test(value.trim()) ? undefined : 'a whole number ≥ 1, or empty'),
      },
    ],
  },
  fromForm: (values) => {
    const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string).trim() : '');
    const tables = listOf(values.tables);
    return {
      ...(text('to') !== '' ? { to: text('to') } : {}),
      ...(text('db') !== '' ? { database: text('db') } : {}),
      ...(tables.length > 0 ? { tables } : {}),
      ...(values.replace === true ? { replace: true } : {}),
      ...(text('jobs') !== '' ? { jobs: Number(text('jobs')) } : {}),
    };
  },
  prepare: async (config, backupId, options, memory) => (await import('./prepareRestore.js')).prepareRestore(config, backupId, options, memory?.sessions ? { sessions: memory.sessions } : {}),
  fromChoices: () => ({}),
  succeeded: (plan) =>
    `${plan.backupId} is restored into ${plan.database} on ${plan.target}${plan.asideDatabase ? `; the database it replaced is kept as ${plan.asideDatabase}` : ''}`,
};

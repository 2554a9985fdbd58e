import type { FormCli, FormSpec } from '../form.js';
import type { RecoveredCopy } from './recoveredCopy.js';

/**
 * The form Ctrl-T opens on a recovered copy (the copy-back offered after a
 * PITR): which table, in which database. Its own file so the store can build
 * it without loading the PITR planner (the glue loads that on demand).
 */

/** A table as the form takes it: schema.table or table, each part non-empty (qualifiedName quotes each). */
export function copyBackTableProblem(value: string): string | undefined {
  const parts = value.trim().split('.');
  if (value.trim() === '') return 'name the table: schema.table';
  if (parts.length > 2 || parts.some((part) => part === '' || /\s/.test(part))) return 'schema.table, or a table of the search path';
  return undefined;
}

/** The Ctrl-T form: the table, and its database (default the login node's, which the copy has as production does). */
export function copyBackForm(copy: RecoveredCopy): FormSpec {
  return {
    fields: [
      { kind: 'text', name: 'table', label: 'table to copy back', flag: '--copy-back', hint: 'schema.table, as it was at the target; it must not exist in production', validate: copyBackTableProblem },
      { kind: 'text', name: 'database', label: 'database', flag: '--db', default: copy.database, validate: (value) => (value.trim() === '' ? 'name the database' : undefined) },
    ],
  };
}

/** The form's command line: the one subcommand that copies a table back is pitr's --copy-back, chosen before a recovery. */
export const COPY_BACK_CLI: FormCli = { name: 'pitr', target: { option: '--backup' } };

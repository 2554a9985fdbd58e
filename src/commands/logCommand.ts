import { defaultAuditPath } from '../services/audit/defaultAuditPath.js';
import { formatAuditEntry } from '../services/audit/formatAuditEntry.js';
import { readAuditJournal } from '../services/audit/readAuditJournal.js';

export interface LogOptions {
  /** Only entries written at or after this moment. */
  since?: Date;
  /** The journal's JSON lines as written. */
  json: boolean;
  /** Default: $XDG_STATE_HOME/pgcockpit/audit.jsonl. */
  file?: string;
}

export interface LogOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: LogOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** `pgcockpit log`: the audit journal, one readable line per plan and command (or --json, raw). */
export async function logCommand(options: LogOptions, output: LogOutput = processOutput): Promise<void> {
  const file = options.file ?? defaultAuditPath();
  const journal = await readAuditJournal(file, options.since);
  if (!journal.exists) {
    output.stderr(`no audit journal yet: ${file} appears when pgcockpit first shows a plan or runs a command\n`);
    return;
  }
  const text = journal.entries.map(({ entry, line }) => `${options.json ? line : formatAuditEntry(entry)}\n`).join('');
  output.stdout(text);
  if (journal.unreadable.length > 0) {
    output.stderr(`${file}: skipped unreadable line${journal.unreadable.length === 1 ? '' : 's'} ${journal.unreadable.join(', ')}\n`);
  }
}

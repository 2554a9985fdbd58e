import { stripVTControlCharacters } from 'node:util';
import { defaultAuditPath } from '../services/audit/defaultAuditPath.js';
import { formatAuditEntry } from '../services/audit/formatAuditEntry.js';
import { readAuditJournal } from '../services/audit/readAuditJournal.js';
import { maskSecrets } from '../services/runner/secretMasker.js';

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

/** Longest piece of an unreadable line that is shown. */
const UNREADABLE_SHOWN = 200;

/**
 * `pgcockpit log`: the audit journal, one readable line per plan, step,
 * statement, command and outcome (or --json, raw). Never stops at a line it
 * cannot read: an entry of an unknown kind or with missing fields prints as
 * best it can, and a line that is not JSON at all (a write cut short) is
 * shown by number, escape codes removed, and listed on stderr.
 */
export async function logCommand(options: LogOptions, output: LogOutput = processOutput): Promise<void> {
  const file = options.file ?? defaultAuditPath();
  const journal = await readAuditJournal(file, options.since);
  if (!journal.exists) {
    output.stderr(`no audit journal yet: ${file} appears when pgcockpit first shows a plan or runs a command\n`);
    return;
  }
  const shown = journal.entries.map(({ entry, line, number }) => ({ number, text: options.json ? line : clean(formatAuditEntry(entry)) }));
  if (!options.json) {
    for (const { number, line } of journal.unreadable) {
      const cut = line.length > UNREADABLE_SHOWN ? `${line.slice(0, UNREADABLE_SHOWN)}…` : line;
      shown.push({ number, text: `? line ${number} is not a journal entry (cut short?): ${clean(maskSecrets(cut))}` });
    }
  }
  // In the journal's order: an unreadable line stays where it was written.
  const lines = shown.sort((a, b) => a.number - b.number).map((entry) => entry.text);
  output.stdout(lines.map((line) => `${line}\n`).join(''));
  if (journal.unreadable.length > 0) {
    const numbers = journal.unreadable.map((entry) => entry.number);
    output.stderr(`${file}: unreadable line${numbers.length === 1 ? '' : 's'} ${numbers.join(', ')}\n`);
  }
}

/** Escape codes in a name or a hand-edited line never reach the terminal raw. */
function clean(text: string): string {
  return stripVTControlCharacters(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
}

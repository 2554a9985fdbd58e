import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditEntry } from './auditEntry.js';

export interface AuditJournalContents {
  /** Each entry with its raw line, oldest first. */
  entries: { entry: AuditEntry; line: string }[];
  /** Line numbers that were not an entry (a write cut short by a crash). */
  unreadable: number[];
  /** False when there is no journal yet. */
  exists: boolean;
}

/** Reads the journal line by line, keeping entries written at or after `since`. */
export async function readAuditJournal(file: string, since?: Date): Promise<AuditJournalContents> {
  const contents: AuditJournalContents = { entries: [], unreadable: [], exists: true };
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<boolean>((resolve, reject) => {
    stream.once('open', () => resolve(true));
    stream.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
  });
  if (!(await opened)) return { ...contents, exists: false };
  let number = 0;
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    number++;
    if (line.trim() === '') continue;
    const entry = parseEntry(line);
    if (!entry) contents.unreadable.push(number);
    else if (!since || Date.parse(entry.at) >= since.getTime()) contents.entries.push({ entry, line });
  }
  return contents;
}

function parseEntry(line: string): AuditEntry | undefined {
  try {
    const value = JSON.parse(line) as Partial<AuditEntry> | null;
    if (value && typeof value === 'object' && typeof value.at === 'string' && (value.kind === 'plan' || value.kind === 'command')) {
      return value as AuditEntry;
    }
  } catch {
    // not JSON: reported by line number
  }
  return undefined;
}

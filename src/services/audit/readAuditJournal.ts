import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { JournalRecord } from './formatAuditEntry.js';

export interface AuditJournalContents {
  /**
   * Each JSON object with its raw line, oldest first: the kinds this
   * pgcockpit writes, and any other (an older or newer pgcockpit's, a line
   * edited by hand), which the formatter prints as best it can.
   */
  entries: { entry: JournalRecord; line: string; number: number }[];
  /** Lines that are not a JSON object (a write cut short by a crash), with their number. */
  unreadable: { number: number; line: string }[];
  /** False when there is no journal yet. */
  exists: boolean;
}

/**
 * Reads the journal line by line, keeping entries written at or after
 * `since`. An entry without a readable time is kept unless `since` is given
 * (it cannot be placed).
 */
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
    if (!entry) {
      if (!since) contents.unreadable.push({ number, line });
      continue;
    }
    const at = typeof entry.at === 'string' ? Date.parse(entry.at) : Number.NaN;
    if (!since || (!Number.isNaN(at) && at >= since.getTime())) contents.entries.push({ entry, line, number });
  }
  return contents;
}

function parseEntry(line: string): JournalRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JournalRecord;
  } catch {
    // not JSON: listed by line number
  }
  return undefined;
}

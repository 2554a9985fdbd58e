import type { LogLine } from './logLine.js';

/** How often buffered job output reaches the store: a few renders a second, whatever the flood. */
export const LOG_FLUSH_INTERVAL_MS = 100;

export interface CoalescedLog {
  push(line: LogLine): void;
  /** Sends what is buffered, plus `extra`, in one append; stops the timer. */
  flush(extra?: readonly LogLine[]): void;
}

/**
 * Buffers lines and hands them to `append` at most once per interval, so
 * 100 000 lines of pg_dump --verbose are a few dozen store updates rather
 * than 100 000 renders that would starve key handling.
 */
export function coalescedLog(append: (lines: readonly LogLine[]) => void, intervalMs = LOG_FLUSH_INTERVAL_MS): CoalescedLog {
  let buffer: LogLine[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (extra: readonly LogLine[] = []) => {
    clearTimeout(timer);
    timer = undefined;
    const lines = extra.length > 0 ? [...buffer, ...extra] : buffer;
    buffer = [];
    if (lines.length > 0) append(lines);
  };
  return {
    push(line) {
      buffer.push(line);
      timer ??= setTimeout(() => flush(), intervalMs);
    },
    flush,
  };
}

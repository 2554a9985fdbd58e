/**
 * Cuts a stream of text into lines as it arrives. "\n", "\r\n" and a lone
 * "\r" all end a line: progress meters (pg_basebackup --progress) redraw with
 * "\r", and each redraw is worth a line of its own rather than one endless line.
 * A line longer than `maxLength` is cut there, so a program that never writes
 * a newline cannot make us buffer without bound.
 */
export interface LineSplitter {
  push(chunk: string): void;
  /** Emits what is left after the last line end. */
  end(): void;
}

export const MAX_PENDING_LINE = 64 * 1024;

export function createLineSplitter(emitWhole: (line: string) => void, maxLength = MAX_PENDING_LINE): LineSplitter {
  const emit = (line: string) => {
    let rest = line;
    while (rest.length > maxLength) {
      emitWhole(rest.slice(0, maxLength));
      rest = rest.slice(maxLength);
    }
    emitWhole(rest);
  };
  let pending = '';
  // A "\r" at the end of a chunk may be the first half of a "\r\n" split across chunks.
  let afterCarriageReturn = false;
  return {
    push(chunk) {
      let start = 0;
      if (afterCarriageReturn && chunk.startsWith('\n')) start = 1;
      afterCarriageReturn = false;
      for (let i = start; i < chunk.length; i++) {
        const char = chunk.charCodeAt(i);
        if (char !== 10 && char !== 13) continue;
        emit(pending + chunk.slice(start, i));
        pending = '';
        if (char === 13) {
          if (i + 1 === chunk.length) afterCarriageReturn = true;
          else if (chunk.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
      pending += chunk.slice(start);
      while (pending.length > maxLength) {
        emitWhole(pending.slice(0, maxLength));
        pending = pending.slice(maxLength);
      }
    },
    end() {
      if (pending !== '') emit(pending);
      pending = '';
    },
  };
}

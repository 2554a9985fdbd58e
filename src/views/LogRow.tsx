import { Text } from 'ink';
import { memo } from 'react';
import type { LogLine } from '../state/createCockpitStore.js';
import { clockTime } from './clockTime.js';
import { cleanLogText } from './logText.js';
import { matchRanges } from './logSearch.js';
import { useTheme } from './ThemeContext.js';
import { wrapText } from './wrapText.js';

/** The gutter before a line's text: the match mark, the time, the stream mark and their spaces. */
export const LOG_GUTTER_WIDTH = 12;

export interface LogRowProps {
  line: LogLine;
  /** The confirmed search: its occurrences show inverse. */
  query: string;
  /** The active match: marked » in the gutter. */
  active: boolean;
  /** The text wrapped to this many columns, over as many rows as it needs (from logLineRows); absent: one row, cut with … at the edge. */
  wrapWidth?: number;
}

/**
 * One log line: a gutter (» on the active match, the time HH:MM:SS muted, ! on
 * stderr: never colour alone), then the text, cut at the pane's edge with …
 * or, wrapped (w), continued under itself. A job's header line (what, where,
 * as whom) is bold inverse. Memo: a row renders once unless the search or the
 * wrapping changes, not on every batch of new lines.
 */
export const LogRow = memo(function LogRow({ line, query, active, wrapWidth }: LogRowProps) {
  const theme = useTheme();
  const text = cleanLogText(line.text);
  // A header line has a space either side of its text, inverse.
  const pieces = wrapWidth === undefined ? [text] : wrapText(text, wrapWidth - (line.stream === 'header' ? 2 : 0));
  const gutter = (
    <>
      <Text bold>{active ? '»' : ' '}</Text>
      <Text color={theme.muted}>{clockTime(line.at)}</Text>{' '}
      {line.stream === 'stderr' ? (
        <Text bold color={theme.critical}>
          !
        </Text>
      ) : (
        ' '
      )}{' '}
    </>
  );
  return (
    <>
      {pieces.map((piece, index) => (
        <Text key={index} wrap="truncate-end">
          {index === 0 ? gutter : ' '.repeat(LOG_GUTTER_WIDTH)}
          {line.stream === 'header' ? (
            <Text bold inverse>
              {' '}
              {piece}{' '}
            </Text>
          ) : (
            <Highlighted text={piece} query={query} />
          )}
        </Text>
      ))}
    </>
  );
});

/** Rows a line takes wrapped to `textWidth` columns (a header line has a space either side). */
export function logLineRows(line: LogLine, textWidth: number): number {
  return wrapText(cleanLogText(line.text), textWidth - (line.stream === 'header' ? 2 : 0)).length;
}

/** Whether a line is longer than `textWidth` columns: cut at the edge unless wrapped. */
export function logLineCut(line: LogLine, textWidth: number): boolean {
  return [...cleanLogText(line.text)].length + (line.stream === 'header' ? 2 : 0) > textWidth;
}

function Highlighted({ text, query }: { text: string; query: string }) {
  const ranges = matchRanges(text, query);
  if (ranges.length === 0) return <>{text}</>;
  const parts = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(
      <Text key={start} inverse>
        {text.slice(start, end)}
      </Text>,
    );
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

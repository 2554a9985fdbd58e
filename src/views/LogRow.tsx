import { Text } from 'ink';
import { memo } from 'react';
import type { LogLine } from '../state/createCockpitStore.js';
import { clockTime } from './clockTime.js';
import { cleanLogText } from './logText.js';
import { matchRanges } from './logSearch.js';
import { useTheme } from './ThemeContext.js';

export interface LogRowProps {
  line: LogLine;
  /** The confirmed search: its occurrences show inverse. */
  query: string;
  /** The active match: marked » in the gutter. */
  active: boolean;
}

/**
 * One log line: a gutter (» on the active match, the time HH:MM:SS muted, ! on
 * stderr: never colour alone), then the text, cut at the pane's edge. A job's
 * header line (what, where, as whom) is bold inverse. Memo: a row renders once
 * unless the search changes, not on every batch of new lines.
 */
export const LogRow = memo(function LogRow({ line, query, active }: LogRowProps) {
  const theme = useTheme();
  const text = cleanLogText(line.text);
  return (
    <Text wrap="truncate-end">
      <Text bold>{active ? '»' : ' '}</Text>
      <Text color={theme.muted}>{clockTime(line.at)}</Text>{' '}
      {line.stream === 'stderr' ? (
        <Text bold color={theme.critical}>
          !
        </Text>
      ) : (
        ' '
      )}{' '}
      {line.stream === 'header' ? (
        <Text bold inverse>
          {' '}
          {text}{' '}
        </Text>
      ) : (
        <Highlighted text={text} query={query} />
      )}
    </Text>
  );
});

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

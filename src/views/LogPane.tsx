import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import type { LogLine } from '../state/createCockpitStore.js';
import { useCockpit } from '../state/storeContext.js';
import { countLogMatches } from './logSearch.js';
import { LOG_GUTTER_WIDTH, LogRow, logLineCut, logLineRows } from './LogRow.js';
import type { LogWindow } from './logWindow.js';
import { logWindow } from './logWindow.js';
import { useTheme } from './ThemeContext.js';
import { useThrottledLog } from './useThrottledLog.js';

export interface LogPaneProps {
  width: number;
  /** Rows under the title: log lines, and the search input when it is open. */
  lines: number;
}

/**
 * The log: under a title rule (focus, line count, "↓ N new lines" when scrolled
 * up, the search and its match count, whether long lines are cut or wrapped),
 * the window of lines the view is on (a long line cut with …, or with w wrapped
 * under itself), and the search input at the bottom while one is typed. It selects only the log
 * view's state and renders at most a few times a second (useThrottledLog), so
 * a flood of output re-renders neither it nor anything else often; memo keeps
 * the screen's own re-renders (a selection move) from reaching it.
 */
export const LogPane = memo(function LogPane({ width, lines }: LogPaneProps) {
  const theme = useTheme();
  const { log, logAppended } = useThrottledLog();
  const viewEnd = useCockpit((state) => state.logViewEnd);
  const draft = useCockpit((state) => state.logSearchDraft);
  const query = useCockpit((state) => state.logSearchQuery);
  const activeMatch = useCockpit((state) => state.logSearchMatch);
  const focused = useCockpit((state) => state.focus === 'log');
  const fullScreen = useCockpit((state) => state.logFullScreen);
  const wrap = useCockpit((state) => state.logWrap);
  const rows = Math.max(0, lines - (draft === null ? 0 : 1));
  const shown = logWindow(log.length, logAppended, viewEnd, rows);
  const textWidth = Math.max(10, width - LOG_GUTTER_WIDTH);
  // Wrapped, the lines that end the window and fit its rows whole (the newest one at least, its first rows).
  const first = wrap ? wrappedFirst(log, shown, rows, textWidth) : shown.first;
  const cut = !wrap && log.slice(first, shown.end).some((line) => logLineCut(line, textWidth));
  const oldest = logAppended - log.length;
  const matches = useMemo(() => (query === '' ? undefined : countLogMatches(log, logAppended, query, activeMatch)), [log, logAppended, query, activeMatch]);

  const title = fullScreen ? ' LOG · full screen ' : focused ? ' LOG · focused ' : ' log ';
  const count = ` ${log.length} ${log.length === 1 ? 'line' : 'lines'} `;
  const marker = logTitleMarker(shown);
  const search = matches === undefined ? '' : ` /${query} ${matches.total === 0 ? 'no match' : `${matches.ordinal || '–'} of ${matches.total}`} `;
  const wrapHint = wrap ? ' wrapped, w: cut ' : cut ? ' lines cut (…), w: wrap ' : '';
  const hint = fullScreen ? ' L: back ' : focused ? ' Tab: back to nodes ' : ' Tab: focus ';
  const used = 2 + title.length + 1 + count.length + (marker ? 1 + marker.length : 0) + (search ? 1 + search.length : 0) + (wrapHint ? 1 + wrapHint.length : 0) + 1 + hint.length;
  const rule = '─'.repeat(Math.max(0, width - used));
  return (
    <Box flexDirection="column" width={width} height={lines + 1} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text color={theme.border}>──</Text>
        <Text bold={focused || fullScreen} inverse={focused || fullScreen}>
          {title}
        </Text>
        <Text color={theme.border}>─</Text>
        <Text color={theme.muted}>{count}</Text>
        {marker ? (
          <>
            <Text color={theme.border}>─</Text>
            <Text bold inverse color={theme.warning}>
              {marker}
            </Text>
          </>
        ) : null}
        {search ? (
          <>
            <Text color={theme.border}>─</Text>
            <Text bold>{search}</Text>
          </>
        ) : null}
        {wrapHint ? (
          <>
            <Text color={theme.border}>─</Text>
            <Text color={cut ? theme.warning : theme.muted}>{wrapHint}</Text>
          </>
        ) : null}
        <Text color={theme.border}>─</Text>
        <Text color={theme.muted}>{hint}</Text>
        <Text color={theme.border}>{rule}</Text>
      </Text>
      <Box flexDirection="column" height={rows} flexShrink={0} overflow="hidden">
        {log.length === 0 ? (
          <Text color={theme.muted}> nothing logged yet</Text>
        ) : (
          log.slice(first, shown.end).map((line, offset) => {
            const number = oldest + first + offset;
            return <LogRow key={number} line={line} query={query} active={number === activeMatch} {...(wrap ? { wrapWidth: textWidth } : {})} />;
          })
        )}
      </Box>
      {draft === null ? null : (
        <Text wrap="truncate-start">
          <Text bold> /</Text>
          {draft}
          <Text inverse> </Text>
          <Text color={theme.muted}> Enter: newest match · Esc: cancel</Text>
        </Text>
      )}
    </Box>
  );
});

/** Scrolled up: how many lines are newer than the view; held at the newest line (a search's match): that new ones will not show. */
export function logTitleMarker(shown: Pick<LogWindow, 'following' | 'newBelow'>): string {
  if (shown.following) return '';
  if (shown.newBelow === 0) return ' held at the newest line, G to follow ';
  return ` ↓ ${shown.newBelow} new ${shown.newBelow === 1 ? 'line' : 'lines'}, G to follow `;
}

/** The first line shown when lines wrap: going back from the window's end while whole lines fit `rows` (the last line shows even when it alone does not). */
export function wrappedFirst(log: readonly LogLine[], shown: Pick<LogWindow, 'first' | 'end'>, rows: number, textWidth: number): number {
  let first = shown.end;
  let used = 0;
  while (first > shown.first) {
    const height = logLineRows(log[first - 1]!, textWidth);
    if (used > 0 && used + height > rows) break;
    used += height;
    first -= 1;
  }
  return first;
}

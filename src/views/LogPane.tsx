import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import { useCockpit } from '../state/storeContext.js';
import { countLogMatches } from './logSearch.js';
import { LogRow } from './LogRow.js';
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
 * up, the search and its match count), the window of lines the view is on, and
 * the search input at the bottom while one is typed. It selects only the log
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
  const rows = Math.max(0, lines - (draft === null ? 0 : 1));
  const shown = logWindow(log.length, logAppended, viewEnd, rows);
  const oldest = logAppended - log.length;
  const matches = useMemo(() => (query === '' ? undefined : countLogMatches(log, logAppended, query, activeMatch)), [log, logAppended, query, activeMatch]);

  const title = fullScreen ? ' LOG · full screen ' : focused ? ' LOG · focused ' : ' log ';
  const count = ` ${log.length} ${log.length === 1 ? 'line' : 'lines'} `;
  const marker = shown.following ? '' : ` ↓ ${shown.newBelow} new ${shown.newBelow === 1 ? 'line' : 'lines'}, G to follow `;
  const search = matches === undefined ? '' : ` /${query} ${matches.total === 0 ? 'no match' : `${matches.ordinal || '–'} of ${matches.total}`} `;
  const hint = fullScreen ? ' L: back ' : focused ? ' Tab: back to nodes ' : ' Tab: focus ';
  const used = 2 + title.length + 1 + count.length + (marker ? 1 + marker.length : 0) + (search ? 1 + search.length : 0) + 1 + hint.length;
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
        <Text color={theme.border}>─</Text>
        <Text color={theme.muted}>{hint}</Text>
        <Text color={theme.border}>{rule}</Text>
      </Text>
      <Box flexDirection="column" height={rows} flexShrink={0} overflow="hidden">
        {log.length === 0 ? (
          <Text color={theme.muted}> nothing logged yet</Text>
        ) : (
          log.slice(shown.first, shown.end).map((line, offset) => {
            const number = oldest + shown.first + offset;
            return <LogRow key={number} line={line} query={query} active={number === activeMatch} />;
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

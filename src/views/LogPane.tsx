import { Box, Text } from 'ink';
import type { LogLine } from '../state/createCockpitStore.js';
import { useCockpit } from '../state/storeContext.js';
import { clockTime } from './clockTime.js';
import { useTheme } from './ThemeContext.js';

export interface LogPaneProps {
  width: number;
  /** Log lines shown (the title line comes on top). */
  lines: number;
}

/** The last log lines that fit, under a title rule that says whether the log has the focus. */
export function LogPane({ width, lines }: LogPaneProps) {
  const theme = useTheme();
  const log = useCockpit((state) => state.log);
  const focused = useCockpit((state) => state.focus === 'log');
  const shown = log.slice(-lines);
  const title = focused ? ' LOG · focused ' : ' log ';
  const count = `${log.length} ${log.length === 1 ? 'line' : 'lines'}`;
  const hint = focused ? `· ${count} · Tab: back to nodes ` : `· ${count} · Tab: focus `;
  const rule = '─'.repeat(Math.max(0, width - 2 - title.length - hint.length));
  return (
    <Box flexDirection="column" width={width} height={lines + 1} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text color={theme.border}>──</Text>
        <Text bold={focused} inverse={focused}>
          {title}
        </Text>
        <Text color={theme.muted}>{hint}</Text>
        <Text color={theme.border}>{rule}</Text>
      </Text>
      {shown.length === 0 ? <Text color={theme.muted}> nothing logged yet</Text> : shown.map((line, index) => <LogRow key={index} line={line} />)}
    </Box>
  );
}

function LogRow({ line }: { line: LogLine }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      {' '}
      <Text color={theme.muted}>{clockTime(line.at)}</Text>{' '}
      {line.stream === 'stderr' ? (
        <Text color={theme.critical} bold>
          ERR{' '}
        </Text>
      ) : null}
      {line.text}
    </Text>
  );
}

import { Box, Text } from 'ink';
import { KEY_TABLE, WHEN_LABEL } from '../state/keyTable.js';
import { useTheme } from './ThemeContext.js';

const KEYS_WIDTH = 18;
const WHEN_WIDTH = 20;

/** Every binding of the key table, generated from it, so help cannot drift from behaviour. */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.selectedBorder} paddingX={1} overflow="hidden">
      <Box justifyContent="space-between">
        <Text bold>Keys</Text>
        <Text color={theme.muted}>Esc or ? closes</Text>
      </Box>
      {KEY_TABLE.map((binding) => (
        <Box key={binding.command}>
          <Box width={KEYS_WIDTH} flexShrink={0}>
            <Text bold wrap="truncate-end">
              {binding.keys.join(' ')}
            </Text>
          </Box>
          <Box flexGrow={1}>
            <Text wrap="truncate-end">{binding.description}</Text>
          </Box>
          <Box width={WHEN_WIDTH} flexShrink={0} justifyContent="flex-end">
            <Text color={theme.muted} wrap="truncate-end">
              {WHEN_LABEL[binding.when]}
            </Text>
          </Box>
        </Box>
      ))}
    </Box>
  );
}

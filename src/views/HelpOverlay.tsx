import { Box, Text } from 'ink';
import type { KeyBinding } from '../state/keyTable.js';
import { KEY_TABLE, WHEN_LABEL } from '../state/keyTable.js';
import { useTheme } from './ThemeContext.js';

const KEYS_WIDTH = 18;
const WHEN_WIDTH = 20;
/** Border (2) and the title line. */
const CHROME_ROWS = 3;

/**
 * Every binding of the key table, generated from it, so help cannot drift from
 * behaviour. One binding a line with where it works; on a terminal too short
 * for that, two columns of key and description.
 */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const twoColumns = KEY_TABLE.length > height - CHROME_ROWS;
  const half = Math.ceil(KEY_TABLE.length / 2);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.selectedBorder} paddingX={1} overflow="hidden">
      <Box justifyContent="space-between">
        <Text bold>Keys</Text>
        <Text color={theme.muted}>Esc or ? closes</Text>
      </Box>
      {twoColumns ? (
        <Box gap={2}>
          {[KEY_TABLE.slice(0, half), KEY_TABLE.slice(half)].map((column, index) => (
            <Box key={index} flexDirection="column" flexBasis={0} flexGrow={1}>
              {column.map((binding) => (
                <HelpLine key={`${binding.command}:${binding.when}`} binding={binding} keysWidth={13} />
              ))}
            </Box>
          ))}
        </Box>
      ) : (
        KEY_TABLE.map((binding) => <HelpLine key={`${binding.command}:${binding.when}`} binding={binding} keysWidth={KEYS_WIDTH} whenColor={theme.muted} showWhen />)
      )}
    </Box>
  );
}

function HelpLine({ binding, keysWidth, showWhen, whenColor }: { binding: KeyBinding; keysWidth: number; showWhen?: boolean; whenColor?: string }) {
  return (
    <Box>
      <Box width={keysWidth} flexShrink={0}>
        <Text bold wrap="truncate-end">
          {binding.keys.join(' ')}
        </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">{binding.description}</Text>
      </Box>
      {showWhen ? (
        <Box width={WHEN_WIDTH} flexShrink={0} justifyContent="flex-end">
          <Text color={whenColor} wrap="truncate-end">
            {WHEN_LABEL[binding.when]}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

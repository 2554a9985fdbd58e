import { Box, Text } from 'ink';
import { KEY_TABLE } from '../state/keyTable.js';
import { useTheme } from './ThemeContext.js';

/** Key hints, from the same table the input router reads. */
export function KeyFooter() {
  const theme = useTheme();
  return (
    <Box paddingX={1} gap={2}>
      {KEY_TABLE.filter((binding) => binding.footer).map((binding) => (
        <Text key={binding.command}>
          <Text bold inverse>
            {' '}{binding.keys[0]}{' '}
          </Text>{' '}
          <Text color={theme.muted}>{binding.description}</Text>
        </Text>
      ))}
    </Box>
  );
}

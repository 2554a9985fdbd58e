import { Box, Text } from 'ink';
import { MIN_COLUMNS, MIN_ROWS } from './screenLayout.js';

/** All there is below the minimum size; q (and every "anywhere" key) still works. */
export function TooSmallScreen({ columns, rows }: { columns: number; rows: number }) {
  return (
    <Box flexDirection="column" width={columns} height={Math.max(1, rows - 1)} alignItems="center" justifyContent="center">
      <Text bold>
        terminal too small: have {columns}×{rows}, need {MIN_COLUMNS}×{MIN_ROWS}
      </Text>
      <Text>press q to quit</Text>
    </Box>
  );
}

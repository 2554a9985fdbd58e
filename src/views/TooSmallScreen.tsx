import { Box, Text } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import { JobBar } from './JobBar.js';
import { jobBarRows } from './jobBarRows.js';
import { MIN_COLUMNS, MIN_ROWS } from './screenLayout.js';

/**
 * All there is below the minimum size; q (and every "anywhere" key) still
 * works. While a job runs, q does not quit: the job bar shows the job (and the
 * question to stop it) instead.
 */
export function TooSmallScreen({ columns, rows }: { columns: number; rows: number }) {
  const jobShown = useCockpit((state) => jobBarRows(state) > 0);
  return (
    <Box flexDirection="column" width={columns} height={Math.max(1, rows - 1)} alignItems="center" justifyContent="center">
      <Text bold>
        terminal too small: have {columns}×{rows}, need {MIN_COLUMNS}×{MIN_ROWS}
      </Text>
      {jobShown ? <JobBar width={columns} /> : <Text>press q to quit</Text>}
    </Box>
  );
}

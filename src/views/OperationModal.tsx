import { Box, Text } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import type { ModalRow } from './operationModalRows.js';
import { fitRows, formRows, formSummaryRows, planRows, promptRows } from './operationModalRows.js';
import type { Theme } from './theme.js';
import { useTheme } from './ThemeContext.js';

/** Border (2) and the title line. */
const CHROME_ROWS = 3;

/**
 * The plan of a runbook the DBA asked for (failover, switchover): its checks
 * with what was observed, its steps with the exact SQL and commands, then the
 * typed confirmation, or the refusal. Only draws the store; the keys are the
 * router's (typeConfirm, offer, modal layers).
 */
export function OperationModal({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const operation = useCockpit((state) => state.operation);
  if (!operation) return null;
  const title = operation.plan?.title ?? `${operation.kind}: ${operation.target}`;
  const prompt = promptRows(operation);
  // The CLI command that prints the same plan whole, for when the terminal is too short.
  const dryRun = operation.kind === 'switchover' ? `pgcockpit switchover --to ${operation.target} --dry-run` : `pgcockpit promote ${operation.target} --dry-run`;
  // A runbook with a form: the form itself, then, above its plan, the values and the same command line.
  const rows =
    operation.phase === 'form' && operation.form
      ? formRows(operation.form)
      : [...(operation.form ? formSummaryRows(operation.form, operation.target) : []), ...(operation.plan ? planRows(operation.plan) : [])];
  const body = fitRows(rows, height - CHROME_ROWS - prompt.length - 1, dryRun);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.selectedBorder} paddingX={1} overflow="hidden" flexShrink={0}>
      <Box justifyContent="space-between">
        <Text bold wrap="truncate-end">
          {title}
        </Text>
        <Box flexShrink={0} marginLeft={1}>
          <Text color={theme.muted}>{operation.phase === 'confirm' && !operation.plan?.blocked ? 'nothing runs before you confirm' : 'nothing is changed'}</Text>
        </Box>
      </Box>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {body.map((row, index) => (
          <RowText key={index} row={row} theme={theme} />
        ))}
      </Box>
      <Box flexDirection="column" flexShrink={0}>
        {prompt.map((row, index) => (
          <RowText key={index} row={row} theme={theme} />
        ))}
      </Box>
    </Box>
  );
}

function RowText({ row, theme }: { row: ModalRow; theme: Theme }) {
  const color = row.tone === 'ok' ? theme.primary : row.tone === 'fail' ? theme.down : row.tone === 'warn' ? theme.warning : row.tone === 'muted' ? theme.muted : undefined;
  return (
    <Text wrap="truncate-end" bold={row.tone === 'heading' || row.tone === 'fail'} color={color}>
      {row.text}
    </Text>
  );
}

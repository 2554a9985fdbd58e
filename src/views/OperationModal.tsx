import { Box, Text } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import { modalTopOf, operationModalLayout } from './operationModalLayout.js';
import { ModalRowText } from './ModalRowText.js';
import { useTheme } from './ThemeContext.js';

/**
 * The plan of a runbook the DBA asked for (failover, switchover): its checks
 * with what was observed, its steps with the exact SQL and commands, then the
 * typed confirmation, or the refusal. Long rows wrap; a plan taller than the
 * modal scrolls (↑/↓, PgUp/PgDn). Only draws the store; the keys are the
 * router's (typeConfirm, offer, modal layers).
 */
export function OperationModal({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const operation = useCockpit((state) => state.operation);
  const modalTop = useCockpit((state) => state.modalTop);
  if (!operation) return null;
  const title = operation.plan?.title ?? `${operation.kind}: ${operation.target}`;
  const { prompt, body } = operationModalLayout(operation, width, height, modalTopOf(modalTop, operation.id));
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
        {body.shown.map((row, index) => (
          <ModalRowText key={index} row={row} />
        ))}
      </Box>
      <Box flexDirection="column" flexShrink={0}>
        {prompt.map((row, index) => (
          <ModalRowText key={index} row={row} />
        ))}
      </Box>
    </Box>
  );
}

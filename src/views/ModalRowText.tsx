import { Text } from 'ink';
import type { ModalRow } from './operationModalRows.js';
import { useTheme } from './ThemeContext.js';

/** One row of the operation modal or the alert list, in its tone; rows come wrapped to the width, so cutting is only a guard. */
export function ModalRowText({ row }: { row: ModalRow }) {
  const theme = useTheme();
  const color = row.tone === 'ok' ? theme.primary : row.tone === 'fail' ? theme.down : row.tone === 'warn' ? theme.warning : row.tone === 'muted' ? theme.muted : undefined;
  return (
    <Text wrap="truncate-end" bold={row.tone === 'heading' || row.tone === 'fail'} color={color}>
      {row.text === '' ? ' ' : row.text}
    </Text>
  );
}

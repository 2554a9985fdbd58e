import { Box, Text } from 'ink';
import { useTheme } from './ThemeContext.js';

export interface DetailColumn {
  title: string;
  width: number;
}

export interface DetailTableProps {
  columns: readonly DetailColumn[];
  /** One string per column; a row's first cell is its key. */
  rows: readonly (readonly string[])[];
}

/**
 * A plain table: a muted heading row, each column at least its width and
 * wider when a cell needs it (an IPv6 client, a long slot name), so a cell is
 * read whole; only what the screen itself cannot hold is cut (…).
 */
export function DetailTable({ columns, rows }: DetailTableProps) {
  const theme = useTheme();
  const widths = columns.map((column, index) => Math.max(column.width, ...rows.map((row) => [...(row[index] ?? '')].length + 1)));
  return (
    <Box flexDirection="column">
      <Box>
        {columns.map((column, index) => (
          <Box key={column.title} width={widths[index]} flexShrink={0}>
            <Text color={theme.muted} wrap="truncate-end">
              {column.title}
            </Text>
          </Box>
        ))}
      </Box>
      {rows.map((row, rowIndex) => (
        <Box key={`${row[0] ?? ''}-${rowIndex}`}>
          {columns.map((column, index) => (
            <Box key={column.title} width={widths[index]} flexShrink={0}>
              <Text wrap="truncate-end">{row[index] ?? ''}</Text>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}

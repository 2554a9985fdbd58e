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

/** A plain table: fixed-width columns, a muted heading row, cells cut at their width. */
export function DetailTable({ columns, rows }: DetailTableProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Box>
        {columns.map((column) => (
          <Box key={column.title} width={column.width} flexShrink={0}>
            <Text color={theme.muted} wrap="truncate-end">
              {column.title}
            </Text>
          </Box>
        ))}
      </Box>
      {rows.map((row, rowIndex) => (
        <Box key={`${row[0] ?? ''}-${rowIndex}`}>
          {columns.map((column, index) => (
            <Box key={column.title} width={column.width} flexShrink={0}>
              <Text wrap="truncate-end">{row[index] ?? ''}</Text>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}

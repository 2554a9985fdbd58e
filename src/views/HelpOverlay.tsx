import { Box, Text } from 'ink';
import { useCockpit } from '../state/storeContext.js';
import type { HelpItem } from './helpLayout.js';
import { helpKeysWidth, helpPage, helpWindow } from './helpLayout.js';
import { useTheme } from './ThemeContext.js';

/**
 * Every binding of the key table, generated from it (the table the router
 * and the footer read), so help cannot drift from behaviour: under a heading
 * for where they work, one binding with its keys and its whole description
 * (wrapped, never cut). A terminal too short for all of it shows whole entries
 * from the store's helpTop, and the title says there is more above or below
 * (↑/↓, PgUp/PgDn, Home/End scroll).
 */
export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const top = useCockpit((state) => state.helpTop);
  const { items, rows } = helpPage(width, height);
  const { first, end } = helpWindow(items, top, rows);
  const more = [first > 0 ? '↑ more above' : '', end < items.length ? '↓ more below' : ''].filter(Boolean).join(', ');
  const keysWidth = helpKeysWidth();
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.selectedBorder} paddingX={1} overflow="hidden">
      <Box justifyContent="space-between" flexShrink={0}>
        <Text bold>Keys</Text>
        <Text color={theme.muted} wrap="truncate-start">
          {more === '' ? 'Esc or ? closes' : `${more} · Esc or ? closes`}
        </Text>
      </Box>
      {items.slice(first, end).map((item, index) => (
        <HelpEntry key={first + index} item={item} keysWidth={keysWidth} headingColor={theme.selectedBorder} />
      ))}
    </Box>
  );
}

function HelpEntry({ item, keysWidth, headingColor }: { item: HelpItem; keysWidth: number; headingColor?: string }) {
  if (item.kind === 'heading') {
    return (
      <Text bold underline color={headingColor} wrap="truncate-end">
        {item.text}
      </Text>
    );
  }
  return (
    <Box flexShrink={0}>
      <Box width={keysWidth} flexShrink={0}>
        <Text bold>{item.keys}</Text>
      </Box>
      <Box flexDirection="column" flexGrow={1}>
        {item.lines.map((line, index) => (
          <Text key={index} wrap="truncate-end">
            {line}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

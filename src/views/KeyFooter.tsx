import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { activeBindings, keyContextOf } from '../state/keyTable.js';
import { useCockpit } from '../state/storeContext.js';
import { footerBindings, HINT_GAP } from './footerBindings.js';
import { useTheme } from './ThemeContext.js';

/**
 * Key hints for what works right now: the bindings of the key table the router
 * answers in the same context (keyContextOf, as the router computes it), so a
 * hint never names a key that does something else, or nothing.
 */
export function KeyFooter({ width }: { width: number }) {
  const theme = useTheme();
  // Every field is a primitive: a shallow compare keeps one render per change.
  const context = useCockpit(useShallow((state) => keyContextOf(state)));
  const hints = footerBindings(activeBindings(context), width - 2);
  return (
    <Box paddingX={1} gap={HINT_GAP} width={width} height={1} flexShrink={0} overflow="hidden">
      {hints.map((binding) => (
        <Text key={`${binding.command}:${binding.when}`} wrap="truncate-end">
          <Text bold inverse>
            {' '}
            {binding.keys[0]}{' '}
          </Text>{' '}
          <Text color={theme.muted}>{binding.footer}</Text>
        </Text>
      ))}
    </Box>
  );
}

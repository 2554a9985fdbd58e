import { Text } from 'ink';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { useTheme } from './ThemeContext.js';
import { useTickAge } from './useTickAge.js';

/** A node pgcockpit cannot poll: down, or up but refusing its login; why, and when it last answered. */
export function DownLines({ node }: { node: NodeSnapshot }) {
  const theme = useTheme();
  const seenAgo = useTickAge(node.lastSeenUpAt);
  return (
    <>
      <Text color={theme.down}>
        {node.serverAnswered ? 'up, refuses login' : 'down'}: {node.downReason ?? 'no answer'}
      </Text>
      <Text color={theme.muted} wrap="truncate-end">
        {node.lastSeenUpAt === undefined
          ? 'not seen up since pgcockpit started'
          : `last seen ${seenAgo === undefined ? 'earlier' : `${seenAgo} ago`}`}
      </Text>
    </>
  );
}

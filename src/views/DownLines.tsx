import { Text } from 'ink';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { ageText } from './ageText.js';
import { useTheme } from './ThemeContext.js';

/** A node pgcockpit cannot poll: down, or up but refusing its login; why, and when it last answered. */
export function DownLines({ node, now }: { node: NodeSnapshot; now: number | undefined }) {
  const theme = useTheme();
  return (
    <>
      <Text color={theme.down}>
        {node.serverAnswered ? 'up, refuses login' : 'down'}: {node.downReason ?? 'no answer'}
      </Text>
      <Text color={theme.muted} wrap="truncate-end">
        {node.lastSeenUpAt === undefined
          ? 'not seen up since pgcockpit started'
          : `last seen ${now === undefined ? 'earlier' : `${ageText(now, node.lastSeenUpAt)} ago`}`}
      </Text>
    </>
  );
}

import { Text } from 'ink';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { useTheme } from './ThemeContext.js';

/** The node's role in words (colour only repeats it), and STALE when its numbers are old. */
export function RoleBadge({ node }: { node: NodeSnapshot }) {
  const theme = useTheme();
  return (
    <Text>
      {badge(node, theme)}
      {node.stale ? (
        <Text color={theme.warning} bold>
          {' '}· STALE
        </Text>
      ) : null}
    </Text>
  );
}

function badge(node: NodeSnapshot, theme: ReturnType<typeof useTheme>) {
  // The server answered but refused the login (too many connections, password...): it is up, maybe the primary.
  if (node.status === 'down' && node.serverAnswered) return <Text color={theme.down} bold>✗ NO LOGIN</Text>;
  if (node.status === 'down') return <Text color={theme.down} bold>✗ DOWN</Text>;
  if (node.role === 'primary') return <Text color={theme.primary} bold>PRIMARY</Text>;
  if (node.role === 'standby') return <Text color={theme.standby} bold>STANDBY</Text>;
  return <Text color={theme.muted}>…</Text>;
}

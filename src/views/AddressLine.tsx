import { Text } from 'ink';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { useTheme } from './ThemeContext.js';

/** host:port, then the server version and timeline once the node has answered. */
export function AddressLine({ node }: { node: NodeSnapshot }) {
  const theme = useTheme();
  const server = node.server;
  const facts = server ? ` · PG ${server.version}${server.timeline === null ? '' : ` · TL ${server.timeline}`}` : '';
  return (
    <Text color={theme.muted} wrap="truncate-end">
      {node.host}:{node.port}
      {facts}
    </Text>
  );
}

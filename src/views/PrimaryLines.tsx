import { Text } from 'ink';
import type { ServerFacts } from '../services/cluster/nodeSnapshot.js';
import { ReplicaLines } from './ReplicaLines.js';
import { useTheme } from './ThemeContext.js';

export interface PrimaryLinesProps {
  server: ServerFacts;
}

/** A primary: where its WAL is, who streams from it and how far behind. */
export function PrimaryLines({ server }: PrimaryLinesProps) {
  const theme = useTheme();
  return (
    <>
      <Text wrap="truncate-end">LSN {server.currentLsn ?? '?'}</Text>
      {server.replicas.length === 0 ? (
        <Text color={theme.warning} wrap="truncate-end">
          no standby streaming from it
        </Text>
      ) : (
        <ReplicaLines replicas={server.replicas} />
      )}
    </>
  );
}

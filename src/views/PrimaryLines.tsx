import { Text } from 'ink';
import { formatBytes } from '../services/cluster/formatBytes.js';
import { formatDuration } from '../services/cluster/formatDuration.js';
import type { ReplicaLink, ServerFacts } from '../services/cluster/nodeSnapshot.js';
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
        server.replicas.map((replica) => <ReplicaLine key={replica.applicationName + (replica.clientAddr ?? '')} replica={replica} />)
      )}
    </>
  );
}

/**
 * One walsender: application name, state, sync state, replay lag. replay_lag
 * turns NULL once the standby has caught up and the primary is idle, so a
 * missing seconds figure is left out rather than shown as unknown.
 */
function ReplicaLine({ replica }: { replica: ReplicaLink }) {
  const theme = useTheme();
  const lagBytes = replica.replayLagBytes === null ? 'lag ?' : `lag ${formatBytes(replica.replayLagBytes)}`;
  const lagSeconds = replica.replayLagSeconds === null ? '' : ` ${formatDuration(replica.replayLagSeconds)}`;
  return (
    <Text wrap="truncate-end">
      ▸ <Text bold>{replica.applicationName}</Text>{' '}
      <Text color={replica.state === 'streaming' ? undefined : theme.warning}>{replica.state}</Text> {replica.syncState} {lagBytes}
      {lagSeconds}
    </Text>
  );
}

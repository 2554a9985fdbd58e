import { Text } from 'ink';
import { formatBytes } from '../services/cluster/formatBytes.js';
import { formatDuration } from '../services/cluster/formatDuration.js';
import type { ReplicaLink } from '../services/cluster/nodeSnapshot.js';
import { useTheme } from './ThemeContext.js';

/**
 * The walsenders of a node, primary or cascading standby: one line each,
 * named after the configured standby it was paired with (deriveLinks), else
 * its application_name ("walreceiver" for a standby cloned with pg_basebackup -R).
 */
export function ReplicaLines({ replicas }: { replicas: readonly ReplicaLink[] }) {
  return (
    <>
      {replicas.map((replica, i) => (
        <ReplicaLine key={replica.pid ?? `${replica.applicationName}-${i}`} replica={replica} />
      ))}
    </>
  );
}

/**
 * One walsender: standby, state, sync state, replay lag. replay_lag turns
 * NULL once the standby has caught up and the primary is idle, so a missing
 * seconds figure is left out rather than shown as unknown.
 */
function ReplicaLine({ replica }: { replica: ReplicaLink }) {
  const theme = useTheme();
  const lagBytes = replica.replayLagBytes === null ? 'lag ?' : `lag ${formatBytes(replica.replayLagBytes)}`;
  const lagSeconds = replica.replayLagSeconds === null ? '' : ` ${formatDuration(replica.replayLagSeconds)}`;
  return (
    <Text wrap="truncate-end">
      ▸ <Text bold>{replica.standby ?? replica.applicationName}</Text>{' '}
      <Text color={replica.state === 'streaming' ? undefined : theme.warning}>{replica.state}</Text> {replica.syncState} {lagBytes}
      {lagSeconds}
    </Text>
  );
}

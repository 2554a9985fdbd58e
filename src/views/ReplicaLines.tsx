import { Text } from 'ink';
import type { ReplicaLink } from '../services/cluster/nodeSnapshot.js';
import { replicaLagText } from './replicaLagText.js';
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
 * One walsender: standby, state, sync state, replay lag ("✓ caught up" once
 * nothing is left to replay, whatever replay_lag's leftover says: see
 * replicaLagText).
 */
function ReplicaLine({ replica }: { replica: ReplicaLink }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      ▸ <Text bold>{replica.standby ?? replica.applicationName}</Text>{' '}
      <Text color={replica.state === 'streaming' ? undefined : theme.warning}>{replica.state}</Text> {replica.syncState}{' '}
      <Text color={replica.replayLagBytes === 0 ? theme.ok : undefined}>{replicaLagText(replica)}</Text>
    </Text>
  );
}

import { Box, Text } from 'ink';
import { formatBytes } from '../services/cluster/formatBytes.js';
import type { ReplicaLink } from '../services/cluster/nodeSnapshot.js';
import { DetailTable } from './DetailTable.js';
import { replicaLagSecondsText } from './replicaLagText.js';
import { useTheme } from './ThemeContext.js';

const COLUMNS = [
  { title: 'standby', width: 12 },
  { title: 'client', width: 15 },
  { title: 'state', width: 10 },
  { title: 'sync', width: 9 },
  { title: 'flush lag', width: 10 },
  { title: 'replay lag', width: 11 },
  { title: 'replay s', width: 9 },
] as const;

/** Every row of pg_stat_replication on the node. */
export function ReplicaTable({ replicas }: { replicas: readonly ReplicaLink[] }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold>Replicas (pg_stat_replication)</Text>
      {replicas.length === 0 ? (
        <Text color={theme.muted}>none streaming from this node</Text>
      ) : (
        <DetailTable
          columns={COLUMNS}
          rows={replicas.map((replica) => [
            // The standby deriveLinks paired it with; else its application_name ("walreceiver" when left as is).
            replica.standby ?? replica.applicationName,
            replica.clientAddr ?? 'local',
            replica.state,
            replica.syncState,
            bytesOrDash(replica.flushLagBytes),
            bytesOrDash(replica.replayLagBytes),
            replicaLagSecondsText(replica),
          ])}
        />
      )}
    </Box>
  );
}

function bytesOrDash(bytes: number | null): string {
  return bytes === null ? '—' : formatBytes(bytes);
}

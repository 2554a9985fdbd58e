import { Box, Text } from 'ink';
import type { StandbyLink } from '../services/cluster/clusterView.js';
import { formatBytes } from '../services/cluster/formatBytes.js';
import type { NodeSnapshot, ServerFacts } from '../services/cluster/nodeSnapshot.js';
import { ageText } from './ageText.js';
import { checkpointerText } from './checkpointerText.js';
import { useTheme } from './ThemeContext.js';

export interface ServerSummaryProps {
  node: NodeSnapshot;
  server: ServerFacts;
  link: StandbyLink | undefined;
  now: number | undefined;
}

/** The detail overlay's opening lines: version, timeline, WAL positions, receiver, archiver, checkpointer. */
export function ServerSummary({ node, server, link, now }: ServerSummaryProps) {
  const theme = useTheme();
  const receiver = server.walReceiver;
  const archiver = server.archiver;
  const since = (at: number | null) => (at === null || now === undefined ? '' : ` ${ageText(now, at)} ago`);
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="wrap">
        {node.host}:{node.port} · PostgreSQL {server.version} · timeline {server.timeline ?? '?'}{server.timelineLastSeen ? ' (last seen)' : ''} · started{since(server.startedAt)}
      </Text>
      {node.role === 'primary' ? (
        <Text>current LSN {server.currentLsn ?? '?'}</Text>
      ) : (
        <Text wrap="wrap">
          receive {server.receiveLsn ?? '?'} · replay {server.replayLsn ?? '?'}
          {server.replayGapBytes === null ? '' : ` · ${formatBytes(server.replayGapBytes)} received, not applied`}
          {link?.replayPaused || server.replayPaused ? (
            <Text color={theme.warning} bold>
              {' '}
              · REPLAY PAUSED
            </Text>
          ) : null}
        </Text>
      )}
      {node.role === 'standby' ? (
        <Text wrap="wrap">
          {receiver
            ? `WAL receiver ${receiver.status} from ${receiver.senderHost ?? '?'}:${receiver.senderPort ?? '?'} · slot ${receiver.slotName ?? 'none'} · last message${since(receiver.lastMessageAt)}`
            : 'no WAL receiver running'}
        </Text>
      ) : null}
      <Text wrap="wrap">
        archive {archiver.enabled ? 'on' : 'off'}
        {archiver.failing ? (
          <Text color={theme.critical} bold>
            {' '}
            FAILING
          </Text>
        ) : null}
        {` · ${archiver.archivedCount} archived (last ${archiver.lastArchivedWal ?? 'none'}${since(archiver.lastArchivedAt)})`}
        {` · ${archiver.failedCount} failed (last ${archiver.lastFailedWal ?? 'none'}${since(archiver.lastFailedAt)})`}
      </Text>
      {server.checkpointer ? <Text wrap="wrap">{checkpointerText(server.checkpointer, now)}</Text> : null}
    </Box>
  );
}

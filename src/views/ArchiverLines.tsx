import { Text } from 'ink';
import type { ArchiverStats } from '../services/cluster/nodeSnapshot.js';
import { useTheme } from './ThemeContext.js';
import { useTickAge } from './useTickAge.js';

export interface ArchiverLinesProps {
  archiver: ArchiverStats;
}

/**
 * pg_stat_archiver plus the archive_status backlog. Listing archive_status
 * needs pg_ls_archive_statusdir(), which only superusers and pg_monitor
 * members may call: without it the backlog is unknown, and says why.
 */
export function ArchiverLines({ archiver }: ArchiverLinesProps) {
  const theme = useTheme();
  // A standby with archive_mode=on leaves archiving to its primary.
  if (!archiver.enabled) return <Text color={theme.muted}>no WAL archiving on this node</Text>;
  return (
    <>
      <Text wrap="truncate-end">
        archive
        {archiver.failing ? (
          <Text color={theme.critical} bold>
            {' '}
            FAILING
          </Text>
        ) : null}{' '}
        {archiver.failing ? '· ' : ''}
        {archiver.archivedCount} ok · {archiver.failedCount} failed
      </Text>
      <BacklogLine archiver={archiver} />
    </>
  );
}

function BacklogLine({ archiver }: ArchiverLinesProps) {
  const theme = useTheme();
  // The oldest .ready file's age, from the last tick (only while there is a backlog).
  const oldestAge = useTickAge(archiver.readyCount ? archiver.oldestReadyAt : null);
  if (!archiver.canReadStatusDir || archiver.readyCount === null) {
    return (
      <Text color={theme.warning} wrap="truncate-end">
        backlog unknown: needs pg_monitor
      </Text>
    );
  }
  const oldest = archiver.readyCount > 0 && oldestAge !== undefined ? `, oldest ${oldestAge}` : '';
  return (
    <Text color={archiver.readyCount > 0 ? theme.warning : theme.muted} wrap="truncate-end">
      {archiver.readyCount} .ready{oldest}
    </Text>
  );
}

import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import type { StandbyLink } from '../services/cluster/clusterView.js';
import { formatBytes } from '../services/cluster/formatBytes.js';
import { formatDuration } from '../services/cluster/formatDuration.js';
import type { ServerFacts } from '../services/cluster/nodeSnapshot.js';
import { recentLagBytes } from '../state/nodeHistory.js';
import { useCockpit } from '../state/storeContext.js';
import { Sparkline } from './Sparkline.js';
import { useTheme } from './ThemeContext.js';

export interface StandbyLinesProps {
  /** The standby's name: its lag history is read from the store by it. */
  name: string;
  server: ServerFacts;
  link: StandbyLink | undefined;
  compact: boolean;
  innerWidth: number;
}

/** A standby: what it streams from, how far behind it is, and whether replay is held. */
export function StandbyLines({ name, server, link, compact, innerWidth }: StandbyLinesProps) {
  const theme = useTheme();
  const receiver = server.walReceiver;
  const upstream = link?.upstream ?? (receiver?.senderHost ? `${receiver.senderHost}:${receiver.senderPort ?? ''}` : 'unknown');
  const paused = link?.replayPaused ?? server.replayPaused ?? false;
  return (
    <>
      <Text wrap="truncate-end">
        upstream <Text bold>{upstream}</Text> ·{' '}
        {receiver ? (
          <Text color={receiver.status === 'streaming' ? undefined : theme.warning}>{receiver.status}</Text>
        ) : (
          <Text color={theme.warning} bold>
            NO WAL RECEIVER
          </Text>
        )}
      </Text>
      {server.timelineLastSeen ? (
        // The receiver is gone; the server's own fallback (its last restartpoint's) would be older.
        <Text color={theme.muted} wrap="truncate-end">
          TL {server.timeline} last seen on its receiver
        </Text>
      ) : null}
      <LagLine name={name} link={link} innerWidth={innerWidth} />
      {paused ? (
        <Text wrap="truncate-end">
          <Text color={theme.warning} bold>
            REPLAY PAUSED
          </Text>
          {server.replayGapBytes === null ? '' : ` · ${formatBytes(server.replayGapBytes)} not applied`}
        </Text>
      ) : null}
      {compact ? null : (
        <Text color={theme.muted} wrap="truncate-end">
          recv {server.receiveLsn ?? '?'} · replay {server.replayLsn ?? '?'}
        </Text>
      )}
    </>
  );
}

/**
 * Lag in bytes and seconds with its recent past as a sparkline; "caught up" when there is none.
 * The sparkline's values are selected shallowly: the history grows every tick, but once the
 * sparkline is full of the same values this line does not re-render.
 */
function LagLine({ name, link, innerWidth }: Pick<StandbyLinesProps, 'name' | 'link' | 'innerWidth'>) {
  const theme = useTheme();
  let text: string;
  if (!link || link.lagBytes === null) text = 'lag unknown';
  else if (link.caughtUp) text = '✓ caught up';
  else text = `lag ${formatBytes(link.lagBytes)}${link.lagSeconds === null ? '' : ` · ${formatDuration(link.lagSeconds)}`}`;
  const sparkWidth = Math.min(20, innerWidth - text.length - 1);
  const lagHistory = useCockpit(useShallow((state) => recentLagBytes(state.history[name], Math.max(0, sparkWidth))));
  return (
    <Box>
      <Text color={link?.caughtUp ? theme.ok : undefined} wrap="truncate-end">
        {text}
      </Text>
      {sparkWidth >= 4 && lagHistory.length > 0 ? (
        <Box marginLeft={1}>
          <Sparkline values={lagHistory} width={sparkWidth} color={theme.accent} />
        </Box>
      ) : null}
    </Box>
  );
}

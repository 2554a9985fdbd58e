import { Text } from 'ink';
import { formatBytes } from '../services/cluster/formatBytes.js';
import type { ReplicationSlot } from '../services/cluster/nodeSnapshot.js';
import { useTheme } from './ThemeContext.js';

export interface SlotLinesProps {
  slots: readonly ReplicationSlot[];
  /** One summary line instead of a line per slot. */
  compact: boolean;
}

/**
 * Replication slots and the WAL they hold back. An inactive slot still keeps
 * WAL from being recycled until pg_wal fills (or max_slot_wal_keep_size
 * marks it lost), which is why INACTIVE is spelled out in capitals.
 */
/**
 * The WAL a slot holds back. No figure when its restart_lsn is NULL: a slot
 * created without reserving WAL and never used yet (it holds none), or one
 * invalidated (wal_status lost, shown after it).
 */
export function slotRetainedText(slot: Pick<ReplicationSlot, 'retainedBytes'>): string {
  return slot.retainedBytes === null ? 'holds no WAL (restart_lsn unset)' : formatBytes(slot.retainedBytes);
}

export function SlotLines({ slots, compact }: SlotLinesProps) {
  const theme = useTheme();
  if (slots.length === 0) return <Text color={theme.muted}>no replication slots</Text>;
  if (compact) {
    const inactive = slots.filter((slot) => !slot.active).length;
    const retained = slots.reduce((sum, slot) => sum + (slot.retainedBytes ?? 0), 0);
    return (
      <Text wrap="truncate-end">
        slots {slots.length}
        {inactive > 0 ? (
          <Text color={theme.warning} bold>
            {' '}
            · {inactive} INACTIVE
          </Text>
        ) : null}{' '}
        · retain {formatBytes(retained)}
      </Text>
    );
  }
  return (
    <>
      {slots.map((slot) => (
        <Text key={slot.name} wrap="truncate-end">
          slot {slot.name}{' '}
          {slot.active ? 'active' : <Text color={theme.warning} bold>INACTIVE</Text>}{' '}
          {slotRetainedText(slot)}
          {slot.walStatus ? (
            <Text color={slot.walStatus === 'lost' || slot.walStatus === 'unreserved' ? theme.critical : theme.muted}> {slot.walStatus}</Text>
          ) : null}
        </Text>
      ))}
    </>
  );
}

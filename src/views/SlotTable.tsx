import { Box, Text } from 'ink';
import { formatBytes } from '../services/cluster/formatBytes.js';
import type { ReplicationSlot } from '../services/cluster/nodeSnapshot.js';
import { DetailTable } from './DetailTable.js';
import { slotNotes } from './slotNotes.js';
import { useTheme } from './ThemeContext.js';

const COLUMNS = [
  { title: 'slot', width: 15 },
  { title: 'type', width: 9 },
  { title: 'active', width: 9 },
  { title: 'retained', width: 9 },
  { title: 'wal_status', width: 11 },
  { title: 'safe', width: 10 },
  { title: 'restart_lsn', width: 12 },
] as const;

/**
 * Every slot on the node. "retained" is none when restart_lsn is NULL (the
 * slot holds no WAL: never used, or invalidated). "safe" is safe_wal_size: how much more WAL may be
 * written before max_slot_wal_keep_size marks the slot lost ("unlimited"
 * when that setting is -1). Under the table, a line for each slot that later
 * majors say more about (see slotNotes).
 */
export function SlotTable({ slots, settings, now }: { slots: readonly ReplicationSlot[]; settings: Readonly<Record<string, string>>; now: number | undefined }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold>Slots (pg_replication_slots)</Text>
      {slots.length === 0 ? (
        <Text color={theme.muted}>no replication slots</Text>
      ) : (
        <DetailTable
          columns={COLUMNS}
          rows={slots.map((slot) => [
            slot.name,
            slot.type,
            slot.active ? 'active' : 'INACTIVE',
            slot.retainedBytes === null ? 'none' : formatBytes(slot.retainedBytes),
            slot.walStatus ?? '—',
            slot.safeWalSizeBytes === null ? 'unlimited' : formatBytes(slot.safeWalSizeBytes),
            slot.restartLsn ?? '—',
          ])}
        />
      )}
      {/* Under the table, wrapped: read whole on any width. */}
      {slots.map((slot) => ({ slot, notes: slotNotes(slot, settings, now) }))
        .filter((item) => item.notes !== '')
        .map((item) => (
          <Text key={item.slot.name} wrap="wrap">
            {item.slot.name}: {item.notes}
          </Text>
        ))}
    </Box>
  );
}

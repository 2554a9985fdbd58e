import { Box, Text } from 'ink';
import { useTheme } from './ThemeContext.js';

/** The settings a DBA checks before trusting replication, archiving and pg_rewind. */
export const REPLICATION_SETTINGS = [
  'wal_level',
  'archive_mode',
  'archive_command',
  'max_wal_senders',
  'max_replication_slots',
  'max_slot_wal_keep_size',
  'wal_log_hints',
  'data_checksums',
] as const;

const NAME_WIDTH = 24;

export interface SettingsListProps {
  settings: Readonly<Record<string, string>>;
  /** Each setting's width; several share a line when the list is wider. */
  itemWidth: number;
  width: number;
}

/** Name and value of each replication setting; "—" when the server did not report it. */
export function SettingsList({ settings, itemWidth, width }: SettingsListProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Settings</Text>
      <Box flexWrap="wrap" width={width}>
        {REPLICATION_SETTINGS.map((name) => (
          <Box key={name} width={itemWidth} flexShrink={0}>
            <Box width={NAME_WIDTH} flexShrink={0}>
              <Text color={theme.muted}>{name}</Text>
            </Box>
            {/* One column: long values (archive_command) wrap; several: cut, with a space before the next. */}
            <Box width={itemWidth - NAME_WIDTH - 1} marginRight={1}>
              <Text wrap={itemWidth >= width ? 'wrap' : 'truncate-end'}>{settings[name] ?? '—'}</Text>
            </Box>
          </Box>
        ))}
      </Box>
    </Box>
  );
}

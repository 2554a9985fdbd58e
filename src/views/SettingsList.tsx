import { Box, Text } from 'ink';
import { useTheme } from './ThemeContext.js';
import { wrapText } from './wrapText.js';

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
  /** Leave out the settings too long for a cell (LongSettings shows them, wider): the side-by-side detail. */
  shortOnly?: boolean;
}

/** The replication settings whose value is longer than a cell of `itemWidth` has room for (archive_command, typically). */
export function longSettingNames(settings: Readonly<Record<string, string>>, itemWidth: number): string[] {
  return REPLICATION_SETTINGS.filter((name) => (settings[name] ?? '—').length > itemWidth - NAME_WIDTH - 1);
}

/**
 * Name and value of each replication setting; "—" when the server did not
 * report it. A value too long for its cell is never cut: it gets a line of
 * its own under the others, wrapped at spaces over the whole width (or, with
 * shortOnly, is left to a LongSettings placed wider).
 */
export function SettingsList({ settings, itemWidth, width, shortOnly = false }: SettingsListProps) {
  const theme = useTheme();
  const long = longSettingNames(settings, itemWidth);
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>Settings</Text>
      <Box flexWrap="wrap" width={width}>
        {REPLICATION_SETTINGS.filter((name) => !long.includes(name)).map((name) => (
          <Box key={name} width={itemWidth} flexShrink={0}>
            <Box width={NAME_WIDTH} flexShrink={0}>
              <Text color={theme.muted}>{name}</Text>
            </Box>
            <Box width={itemWidth - NAME_WIDTH - 1} marginRight={1}>
              <Text wrap="truncate-end">{settings[name] ?? '—'}</Text>
            </Box>
          </Box>
        ))}
      </Box>
      {shortOnly ? null : <LongSettings settings={settings} names={long} width={width} />}
    </Box>
  );
}

/** Settings with long values, one a block: the name, then the value wrapped at spaces under it, so a path is not cut in the middle. */
export function LongSettings({ settings, names, width }: { settings: Readonly<Record<string, string>>; names: readonly string[]; width: number }) {
  const theme = useTheme();
  return (
    <>
      {names.map((name) => (
        <Box key={name} flexDirection="column" width={width}>
          <Text color={theme.muted}>{name}</Text>
          {wrapText(settings[name] ?? '—', width - 2, '').map((line, index) => (
            <Text key={index} wrap="truncate-end">
              {'  '}
              {line}
            </Text>
          ))}
        </Box>
      ))}
    </>
  );
}

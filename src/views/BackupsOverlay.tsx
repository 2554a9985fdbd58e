import { Box, Text } from 'ink';
import { useShallow } from 'zustand/react/shallow';
import { filteredBackups } from '../state/slices/backups.js';
import { useCockpit } from '../state/storeContext.js';
import { backupDetailLines, backupListLines } from './backupPickerLines.js';
import { baseBackupDetailLines } from './baseBackupDetailLines.js';
import { useTheme } from './ThemeContext.js';
import { windowTimelineLines } from './windowTimelineLines.js';
import { useNow } from './useNow.js';

/**
 * The backups picker (B): every dump of the catalog, newest first, one row
 * each; `/` filters, Enter shows a dump's details, `v` verifies it, `r`
 * opens the restore form for it, `d` deletes it once its id is typed, `w`
 * shows the base backups' recoverable windows as a timeline. The
 * catalog is read by the glue (src/tui/bindBackupsToStore.ts), never here.
 */
export function BackupsOverlay({ width, height }: { width: number; height: number }) {
  const theme = useTheme();
  const now = useNow(10_000);
  const { all, selected, filter, draft, detail, deleting, notice, problems, windows } = useCockpit(
    useShallow((state) => ({
      all: state.backupEntries,
      selected: state.backupSelected,
      filter: state.backupFilter,
      draft: state.backupFilterDraft,
      detail: state.backupDetail,
      deleting: state.backupDelete,
      notice: state.backupNotice,
      problems: state.backupProblems,
      windows: state.backupWindows,
    })),
  );
  // Filtered here, not in the selector: a fresh array there would make zustand render forever.
  const entries = filteredBackups({ backupEntries: all, backupFilter: filter, backupFilterDraft: draft });
  const detailed = detail ? all?.find((entry) => entry.id === detail.backupId) : undefined;
  // Border, padding, title, and the lines below the list.
  const rows = Math.max(1, height - 4 - (notice ? 1 : 0) - (deleting ? 1 : 0) - (draft !== null ? 1 : 0) - Math.min(2, problems.length));
  const lines = windows
    ? (windows.windows ? windowTimelineLines(windows.windows, width - 4) : [{ text: windows.error ? `✗ ${windows.error}` : 'reading the archive and its newest WAL (pg_waldump)…', muted: true }]).slice(0, rows)
    : all === null ? [{ text: 'reading the catalog…', muted: true }] : detailed && detail ? (detailed.kind === 'basebackup' ? baseBackupDetailLines(detailed) : backupDetailLines(detailed, detail)).slice(0, rows) : backupListLines(entries, selected, now, rows);
  const shownFilter = draft ?? filter;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.selectedBorder} paddingX={1} overflow="hidden" flexShrink={0}>
      <Box justifyContent="space-between" flexShrink={0}>
        <Text bold wrap="truncate-end">
          {windows ? 'Recoverable windows: what each base backup can be recovered to (pgcockpit pitr --target-time)' : detailed ? `Backup ${detailed.id}` : `Backups (${entries.length}${all && entries.length !== all.length ? ` of ${all.length}` : ''}), newest first${shownFilter !== '' ? `: /${shownFilter}` : ''}`}
        </Text>
        <Box flexShrink={0} marginLeft={1}>
          <Text color={theme.muted}>{detailed || windows ? 'Esc: back to the list' : 'Esc closes'}</Text>
        </Box>
      </Box>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {lines.map((line, index) => (
          <Text key={index} wrap="truncate-end" inverse={'selected' in line && line.selected === true} {...(line.muted ? { color: theme.muted } : {})}>
            {line.text}
          </Text>
        ))}
      </Box>
      {problems.slice(0, 2).map((problem, index) => (
        <Text key={`problem-${index}`} wrap="truncate-end" color={theme.warning}>
          ⚠ {problem}
        </Text>
      ))}
      {notice ? <Text wrap="truncate-end">{notice}</Text> : null}
      {draft !== null ? <Text wrap="truncate-end">filter: /{draft}▏ (Enter keeps it, Esc drops it)</Text> : null}
      {deleting ? (
        <Text wrap="truncate-end" color={theme.critical}>
          type {deleting.backupId} to delete the dump and its entry, Esc keeps it: {deleting.typed}▏
        </Text>
      ) : null}
    </Box>
  );
}

import type { StateCreator } from 'zustand/vanilla';
import type { BackupEntry } from '../../services/backups/backupEntry.js';
import type { BaseBackupEntry } from '../../services/backups/baseBackupEntry.js';
import type { TocEntry } from '../../services/backups/dumpToc.js';
import type { RecoverableWindow } from '../../services/pitr/recoverableWindowTypes.js';
import type { CockpitState } from '../createCockpitStore.js';

/**
 * Work the backups picker asks of the glue (src/tui/bindBackupsToStore.ts):
 * read the catalog, read a dump's table of contents, verify it, delete it.
 * Each request has a new id; the glue answers it with the actions below.
 */
export type BackupTaskRequest = { action: 'list' | 'windows' } | { action: 'details' | 'verify' | 'delete'; backupId: string };
export type BackupTask = BackupTaskRequest & { id: number };

/** A row of the picker: a dump (pg_dump), or a base backup (pg_basebackup, its `kind` 'basebackup'). */
export type CatalogEntry = BackupEntry | BaseBackupEntry;

/** What Enter shows about a dump: its table of contents (pg_restore --list), or why it could not be read. */
export interface BackupDetail {
  backupId: string;
  /** null while pg_restore --list runs. */
  toc: TocEntry[] | null;
  error?: string;
}

/** The backups picker (B): the catalog, newest first, the row picked, a filter, a dump's details, a delete being typed. */
export interface BackupsState {
  /** Newest first, dumps and base backups together; null until read. */
  backupEntries: CatalogEntry[] | null;
  /** Entry files that could not be read, or why the catalog could not be: shown under the list. */
  backupProblems: string[];
  /** The row picked, an index into the filtered list. */
  backupSelected: number;
  /** The confirmed filter ("" none): rows whose id, database, node or format hold it, ignoring case. */
  backupFilter: string;
  /** The filter being typed after `/`; null: not typing. */
  backupFilterDraft: string | null;
  backupDetail: BackupDetail | null;
  /** `d`: the id being typed to delete that dump; null: not asked. */
  backupDelete: { backupId: string; typed: string } | null;
  /** The last outcome: "✓ verified …", "✗ sha256 differs …", "deleted …". */
  backupNotice: string | null;
  /** The request for the glue; it acts on a new id once. */
  backupTask: BackupTask | null;
  /** `w`: the base backups' recoverable windows as a timeline; windows null while the archive is read. */
  backupWindows: { windows: RecoverableWindow[] | null; error?: string } | null;
}

export interface BackupsActions {
  /** Opens the picker and asks the glue for the catalog. */
  openBackups(): void;
  backupsLoaded(entries: CatalogEntry[], problems: string[]): void;
  moveBackupSelection(delta: number): void;
  startBackupFilter(): void;
  editBackupFilter(text: string): void;
  /** Enter: the draft becomes the filter (the first row picked); Esc (keep false): the draft is dropped. */
  endBackupFilter(keep: boolean): void;
  /** Enter on a row: its details, the TOC asked of the glue. */
  openBackupDetail(): void;
  backupDetailLoaded(backupId: string, toc: TocEntry[] | null, error?: string): void;
  /** Esc: the details close, else the picker closes. */
  backupsBack(): void;
  verifySelectedBackup(): void;
  /** The glue's answer to verify or delete: the notice, the catalog as it is now. */
  backupTaskDone(notice: string, entries?: CatalogEntry[]): void;
  askDeleteBackup(): void;
  typeBackupDelete(text: string): void;
  /** Enter: deleted only when the typed text is the id exactly. */
  confirmBackupDelete(): void;
  cancelBackupDelete(): void;
  /** `w`: the recoverable windows, read by the glue (the archive and pg_waldump). */
  showBackupWindows(): void;
  backupWindowsLoaded(windows: RecoverableWindow[] | null, error?: string): void;
}

export type BackupsSlice = BackupsState & BackupsActions;

export function initialBackupsState(): BackupsState {
  return { backupEntries: null, backupProblems: [], backupSelected: 0, backupFilter: '', backupFilterDraft: null, backupDetail: null, backupDelete: null, backupNotice: null, backupTask: null, backupWindows: null };
}

/** The entries the filter lets through, newest first. */
export function filteredBackups(state: Pick<BackupsState, 'backupEntries' | 'backupFilter' | 'backupFilterDraft'>): CatalogEntry[] {
  const filter = (state.backupFilterDraft ?? state.backupFilter).toLowerCase();
  const entries = state.backupEntries ?? [];
  if (filter === '') return entries;
  // A base backup answers to "base" in the database's place.
  return entries.filter((entry) => [entry.id, entry.kind === 'basebackup' ? 'base' : entry.database, entry.node, entry.format, entry.status].some((text) => text.toLowerCase().includes(filter)));
}

/** The entry the picker's cursor is on, if any. */
export function selectedBackup(state: Pick<BackupsState, 'backupEntries' | 'backupFilter' | 'backupFilterDraft' | 'backupSelected'>): CatalogEntry | undefined {
  return filteredBackups(state)[state.backupSelected];
}

export const createBackupsSlice: StateCreator<CockpitState, [], [], BackupsSlice> = (set) => {
  const task = (state: BackupsState, next: BackupTaskRequest): Pick<BackupsState, 'backupTask'> => ({ backupTask: { ...next, id: (state.backupTask?.id ?? 0) + 1 } });
  return {
    ...initialBackupsState(),
    openBackups: () => set((state) => ({ overlay: 'backups', backupDetail: null, backupDelete: null, backupFilterDraft: null, backupNotice: null, backupWindows: null, ...task(state, { action: 'list' }) })),
    backupsLoaded: (entries, problems) =>
      set((state) => ({ backupEntries: entries, backupProblems: problems, backupSelected: Math.max(0, Math.min(state.backupSelected, filteredBackups({ ...state, backupEntries: entries }).length - 1)) })),
    moveBackupSelection: (delta) =>
      set((state) => {
        const count = filteredBackups(state).length;
        return count === 0 ? state : { backupSelected: Math.max(0, Math.min(count - 1, state.backupSelected + delta)) };
      }),
    startBackupFilter: () => set((state) => ({ backupFilterDraft: state.backupFilter })),
    editBackupFilter: (text) => set({ backupFilterDraft: text, backupSelected: 0 }),
    endBackupFilter: (keep) => set((state) => ({ backupFilter: keep ? (state.backupFilterDraft ?? state.backupFilter) : state.backupFilter, backupFilterDraft: null, backupSelected: 0 })),
    openBackupDetail: () =>
      set((state) => {
        const entry = selectedBackup(state);
        return entry ? { backupDetail: { backupId: entry.id, toc: null }, ...task(state, { action: 'details', backupId: entry.id }) } : state;
      }),
    backupDetailLoaded: (backupId, toc, error) =>
      set((state) => (state.backupDetail?.backupId === backupId ? { backupDetail: { backupId, toc, ...(error !== undefined ? { error } : {}) } } : state)),
    backupsBack: () => set((state) => (state.backupWindows ? { backupWindows: null } : state.backupDetail ? { backupDetail: null } : { overlay: 'none' })),
    showBackupWindows: () => set((state) => ({ backupWindows: { windows: null }, backupDetail: null, ...task(state, { action: 'windows' }) })),
    backupWindowsLoaded: (windows, error) => set((state) => (state.backupWindows ? { backupWindows: { windows, ...(error !== undefined ? { error } : {}) } } : state)),
    verifySelectedBackup: () =>
      set((state) => {
        const entry = state.backupDetail ? state.backupEntries?.find((candidate) => candidate.id === state.backupDetail!.backupId) : selectedBackup(state);
        const how = entry?.kind === 'basebackup' ? 'pg_verifybackup' : 'sha256 and pg_restore --list';
        return entry ? { backupNotice: `verifying ${entry.id}: ${how}…`, ...task(state, { action: 'verify', backupId: entry.id }) } : state;
      }),
    backupTaskDone: (notice, entries) =>
      set((state) => ({
        backupNotice: notice,
        ...(entries ? { backupEntries: entries, backupSelected: Math.max(0, Math.min(state.backupSelected, filteredBackups({ ...state, backupEntries: entries }).length - 1)) } : {}),
      })),
    askDeleteBackup: () =>
      set((state) => {
        const entry = selectedBackup(state);
        // Dumps only: a base backup may be what a recovery needs, and its window starts there.
        if (entry?.kind === 'basebackup') return { backupNotice: `${entry.id} is a base backup: the picker deletes dumps only (remove ${entry.path} and its .json by hand)` };
        return entry && !state.backupDetail ? { backupDelete: { backupId: entry.id, typed: '' } } : state;
      }),
    typeBackupDelete: (text) => set((state) => (state.backupDelete ? { backupDelete: { ...state.backupDelete, typed: text } } : state)),
    confirmBackupDelete: () =>
      set((state) => {
        const asked = state.backupDelete;
        if (!asked || asked.typed !== asked.backupId) return state;
        return { backupDelete: null, backupNotice: `deleting ${asked.backupId}…`, ...task(state, { action: 'delete', backupId: asked.backupId }) };
      }),
    cancelBackupDelete: () => set({ backupDelete: null }),
  };
};

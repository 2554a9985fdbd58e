import path from 'node:path';
import type { BackupEntry, BackupFormat } from './backupEntry.js';
import { backupEntrySchema, FORMAT_EXTENSION } from './backupEntry.js';
import type { CatalogStore } from './catalogStore.js';
import { localCatalogStore } from './localCatalogStore.js';

/** "20261130T134501Z": sorts by time, needs no quoting. */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Where a dump of `database` taken at `at` goes: `<dir>/<cluster>/<database>/<stamp>.<ext>`, its entry beside it as `.json`. */
export function backupPaths(dir: string, cluster: string, database: string, format: BackupFormat, at: Date): { id: string; path: string; entry: string; partial: string } {
  const stamp = backupStamp(at);
  const dump = path.join(dir, safeName(cluster), safeName(database), `${stamp}.${FORMAT_EXTENSION[format]}`);
  return { id: `${database}-${stamp}`, path: dump, entry: `${dump}.json`, partial: `${dump}.partial` };
}

/** A name as one path component: "/" and a leading "." would leave the catalog's tree. */
function safeName(name: string): string {
  return name.replace(/[/\\]/g, '_').replace(/^\./, '_');
}

/** Writes an entry beside its dump, whole or not at all (a temporary file renamed over it), where the store keeps the catalog. */
export async function writeBackupEntry(entry: BackupEntry, store: CatalogStore = localCatalogStore()): Promise<void> {
  await store.writeFileAtomic(`${entry.path}.json`, `${JSON.stringify(backupEntrySchema.parse(entry), null, 2)}\n`);
}

export interface CatalogListing {
  /** Newest first. */
  entries: BackupEntry[];
  /** Entry files that could not be read: "<file>: <why>". */
  problems: string[];
}

/** Every entry under `<dir>/<cluster>/`, newest first; an unreadable entry file is reported, never fatal. */
export async function listBackups(dir: string, cluster: string, store: CatalogStore = localCatalogStore()): Promise<CatalogListing> {
  const entries: BackupEntry[] = [];
  const problems: string[] = [];
  for (const found of await store.readEntryFiles(path.join(dir, safeName(cluster)))) {
    try {
      if (found.problem !== undefined) throw new Error(found.problem);
      entries.push(backupEntrySchema.parse(JSON.parse(found.text)));
    } catch (error) {
      problems.push(`${found.file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  entries.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
  return { entries, problems };
}

/** The entry with this id, or an error naming the ids there are. */
export async function findBackup(dir: string, cluster: string, id: string, store: CatalogStore = localCatalogStore()): Promise<BackupEntry> {
  const { entries } = await listBackups(dir, cluster, store);
  const found = entries.find((entry) => entry.id === id);
  if (found) return found;
  throw new Error(`no backup "${id}" in ${path.join(dir, safeName(cluster))}${store.where === 'this machine' ? '' : ` on ${store.where}`}${entries.length > 0 ? `; the newest: ${entries.slice(0, 5).map((entry) => entry.id).join(', ')}` : ': the catalog is empty'}`);
}

/** Restorable: the dump finished and was checked complete. */
export function isRestorable(entry: BackupEntry): boolean {
  return entry.status === 'complete';
}

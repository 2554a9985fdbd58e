import type { BackupEntry } from './backupEntry.js';
import type { CatalogStore } from './catalogStore.js';
import { localCatalogStore } from './localCatalogStore.js';

/**
 * Removes a dump and its catalog entry (the dump first: an entry left behind
 * by a failed removal still says where the file is). What the picker's `d`
 * does after the id was typed, and `pgcockpit backups --delete ID`.
 */
export async function deleteBackup(entry: BackupEntry, store: CatalogStore = localCatalogStore()): Promise<void> {
  await store.remove(entry.path);
  await store.remove(`${entry.path}.json`);
}

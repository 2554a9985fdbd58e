import { rm } from 'node:fs/promises';
import type { BackupEntry } from './backupEntry.js';

/**
 * Removes a dump and its catalog entry (the dump first: an entry left behind
 * by a failed removal still says where the file is). What the picker's `d`
 * does after the id was typed, and `pgcockpit backups --delete ID`.
 */
export async function deleteBackup(entry: BackupEntry): Promise<void> {
  await rm(entry.path, { recursive: true, force: true });
  await rm(`${entry.path}.json`, { force: true });
}

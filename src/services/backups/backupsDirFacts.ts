import { access, constants, statfs, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** What the backups host (the jump host, or backups.host's) says about config.backups.dir before a dump is planned. */
export interface BackupsDirFacts {
  dir: string;
  /** It exists; else it is created (mkdir -p) by the first step. */
  exists: boolean;
  /** The current user may create files in it (or, missing, in its nearest existing parent). */
  writable: boolean;
  /** Free bytes on its filesystem (statfs, for this user). */
  freeBytes?: number;
  /** Why something above is unknown or false, in words. */
  problem?: string;
}

/** Asks the filesystem about the backups directory; changes nothing. */
export async function readBackupsDir(dir: string): Promise<BackupsDirFacts> {
  let probe = path.resolve(dir);
  let exists = true;
  // A missing directory is made by the backup: what matters is its nearest existing parent.
  for (;;) {
    const info = await stat(probe).catch(() => undefined);
    if (info) {
      if (!info.isDirectory()) return { dir, exists: false, writable: false, problem: `${probe} is not a directory` };
      break;
    }
    exists = false;
    const parent = path.dirname(probe);
    if (parent === probe) return { dir, exists: false, writable: false, problem: 'no part of the path exists' };
    probe = parent;
  }
  const writable = await access(probe, constants.W_OK | constants.X_OK).then(
    () => true,
    () => false,
  );
  const fs = await statfs(probe).catch(() => undefined);
  return {
    dir,
    exists,
    writable,
    ...(fs ? { freeBytes: fs.bavail * fs.bsize } : {}),
    ...(writable ? {} : { problem: `${probe} is not writable by ${os.userInfo().username}` }),
  };
}

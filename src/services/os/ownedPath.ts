import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { pathExists } from './pathExists.js';
import path from 'node:path';
import type { OsUser } from './osUser.js';

/**
 * Creates `dir` (and any missing parents) owned by `owner` with `mode`.
 * Parents that already exist are left alone; the ones made here are handed to
 * `owner` too, so a server running as that user can reach everything below.
 */
export async function makeOwnedDir(dir: string, owner: OsUser, mode = 0o750): Promise<void> {
  const missing: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (await pathExists(current)) break;
    missing.unshift(current);
    if (current === path.dirname(current)) break;
  }
  for (const created of missing) {
    await mkdir(created, { mode });
    await chown(created, owner.uid, owner.gid);
    await chmod(created, mode);
  }
  if (missing.length === 0) {
    await chown(dir, owner.uid, owner.gid);
    await chmod(dir, mode);
  }
}

/** Writes a file owned by `owner` (0600 by default: it may hold a password). */
export async function writeOwnedFile(file: string, content: string, owner: OsUser, mode = 0o600): Promise<void> {
  await writeFile(file, content, { mode });
  await chown(file, owner.uid, owner.gid);
  await chmod(file, mode);
}

import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { OsUser } from './osUser.js';

/**
 * The first existing ancestor of `target` that `user` cannot enter (no
 * execute permission for them), or undefined when every one can be entered.
 * Root passes every access() check, so when root prepares a directory for
 * postgres the mode bits must be read by hand.
 */
export async function firstBlockingAncestor(target: string, user: OsUser): Promise<{ dir: string; owner: number; mode: number } | undefined> {
  const ancestors: string[] = [];
  for (let dir = path.dirname(path.resolve(target)); ; dir = path.dirname(dir)) {
    ancestors.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const dir of ancestors) {
    const info = await stat(dir).catch(() => undefined);
    if (!info) return undefined; // missing from here down: we will create it, owned by user
    if (user.uid === 0) continue;
    const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) return { dir, owner: info.uid, mode: info.mode & 0o7777 };
  }
  return undefined;
}

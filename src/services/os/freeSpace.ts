import { statfs } from 'node:fs/promises';

/** Bytes available to unprivileged users on the file system holding `path`; null when it cannot be read. */
export async function freeBytes(path: string): Promise<number | null> {
  try {
    const stats = await statfs(path);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** sha256 of a file, streamed. */
async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The checksum the catalog keeps for a dump and its size in bytes: a file's
 * sha256; for a directory-format dump, the sha256 of its files' "sha256
 * name" lines sorted by name (toc.dat and every table's data file).
 */
export async function dumpChecksum(dump: string): Promise<{ sha256: string; sizeBytes: number }> {
  const info = await stat(dump);
  if (!info.isDirectory()) return { sha256: await fileSha256(dump), sizeBytes: info.size };
  const names = (await readdir(dump)).sort();
  const lines: string[] = [];
  let sizeBytes = 0;
  for (const name of names) {
    const file = path.join(dump, name);
    sizeBytes += (await stat(file)).size;
    lines.push(`${await fileSha256(file)}  ${name}`);
  }
  return { sha256: createHash('sha256').update(`${lines.join('\n')}\n`).digest('hex'), sizeBytes };
}

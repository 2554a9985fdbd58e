import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dumpChecksum } from './backupChecksum.js';
import { readBackupsDir } from './backupsDirFacts.js';
import type { CatalogStore, EntryFile } from './catalogStore.js';

/** The catalog on this machine (the jump host), as the user running pgcockpit: node:fs, no child process. */
export function localCatalogStore(): CatalogStore {
  return {
    where: 'this machine',
    async readEntryFiles(root) {
      const found: EntryFile[] = [];
      const databases = await readdir(root, { withFileTypes: true }).catch(() => []);
      for (const database of databases.filter((item) => item.isDirectory() && !item.name.startsWith('.'))) {
        const folder = path.join(root, database.name);
        for (const name of (await readdir(folder).catch(() => [])).filter((file) => file.endsWith('.json'))) {
          const file = path.join(folder, name);
          found.push(await readFile(file, 'utf8').then(
            (text) => ({ file, text }),
            (error: unknown) => ({ file, problem: error instanceof Error ? error.message : String(error) }),
          ));
        }
      }
      return found;
    },
    async writeFileAtomic(file, text) {
      const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, text, { mode: 0o640 });
      await rename(temporary, file);
    },
    async makeDir(dir) {
      await mkdir(dir, { recursive: true, mode: 0o750 });
    },
    rename: (from, to) => rename(from, to),
    remove: (target) => rm(target, { recursive: true, force: true }),
    checksum: (dump) => dumpChecksum(dump),
    async tail(file, bytes) {
      const handle = await open(file, 'r');
      try {
        const { size } = await handle.stat();
        const buffer = Buffer.alloc(Math.min(bytes, size));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, size - buffer.length);
        return buffer.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
    },
    dirFacts: (dir) => readBackupsDir(dir),
  };
}

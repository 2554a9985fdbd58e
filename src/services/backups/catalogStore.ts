import type { BackupsDirFacts } from './backupsDirFacts.js';

/** One `<db>/<stamp>.<ext>.json` file of the catalog, with its text or why it could not be read. */
export type EntryFile = { file: string; text: string; problem?: undefined } | { file: string; problem: string; text?: undefined };

/**
 * The file work of the backup catalog, wherever its directory is: on this
 * machine through node:fs (localCatalogStore), or on a node's host through
 * its runner with coreutils (runnerCatalogStore, when backups.host is set).
 * The catalog, verification and the runbooks speak only this.
 */
export interface CatalogStore {
  /** "this machine", "db2's host as postgres": where the files are, for plans and errors. */
  readonly where: string;
  /** The `*.json` files one folder below `root` (folders starting with a dot skipped: `.base` is the base backups'); none when root is missing. */
  readEntryFiles(root: string): Promise<EntryFile[]>;
  /** Writes `text` to `file` whole or not at all: a temporary file beside it, renamed over it; mode 0640. */
  writeFileAtomic(file: string, text: string): Promise<void>;
  /** mkdir -p, the folders made 0750. */
  makeDir(dir: string): Promise<void>;
  /** Renames a file or a directory (a directory-format dump). */
  rename(from: string, to: string): Promise<void>;
  /** rm -rf: a missing path is no error. */
  remove(target: string): Promise<void>;
  /** The checksum the catalog keeps (see dumpChecksum) and the size in bytes. */
  checksum(dump: string): Promise<{ sha256: string; sizeBytes: number }>;
  /** The last `bytes` bytes of a file as text. */
  tail(file: string, bytes: number): Promise<string>;
  /** Whether the backups directory (or its nearest existing parent) may be written, and the free space. */
  dirFacts(dir: string): Promise<BackupsDirFacts>;
}

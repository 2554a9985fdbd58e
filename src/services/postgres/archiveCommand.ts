import { shellQuote } from '../os/shellQuote.js';

/**
 * An archive_command that never overwrites an archived segment and never
 * leaves a half-copied one under its final name: it copies to a temporary
 * name, then renames (atomic within one file system). PostgreSQL retries a
 * segment until the command exits 0, so a failure here only delays archiving.
 * `%` in the directory is doubled: the server expands %p and %f itself.
 */
export function safeArchiveCommand(archiveDir: string): string {
  const dir = shellQuote(archiveDir).replaceAll('%', '%%');
  return `test ! -f ${dir}/%f && cp %p ${dir}/%f.part && mv ${dir}/%f.part ${dir}/%f`;
}

/** The restore_command that reads segments back from the same archive. */
export function archiveRestoreCommand(archiveDir: string): string {
  const dir = shellQuote(archiveDir).replaceAll('%', '%%');
  return `cp ${dir}/%f %p`;
}

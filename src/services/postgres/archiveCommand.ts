import { shellQuote } from '../os/shellQuote.js';

/**
 * An archive_command that never overwrites an archived segment, yet succeeds
 * when the archive already holds it with identical content, as the
 * PostgreSQL manual advises (Continuous Archiving, "Setting Up WAL
 * Archiving"): the server may archive a segment again, after a crash before
 * it recorded the success or around a promotion, and a command that refuses
 * every existing file then fails for ever on it while pg_wal fills up.
 *
 *   if test -f A/%f; then cmp -s %p A/%f; else cp %p A/%f.PID.part && mv A/%f.PID.part A/%f; fi
 *
 * A copy with different content is refused (cmp exits 1): two servers writing
 * into one archive is an administrator's error to see, not to paper over. The
 * copy goes to a temporary name (the shell's pid in it, so two servers never
 * share one) and is renamed, atomic within one file system, so a half-copied
 * segment never carries the final name. `%` in the directory is doubled: the
 * server expands %p and %f itself.
 */
export function safeArchiveCommand(archiveDir: string): string {
  const dir = shellQuote(archiveDir).replaceAll('%', '%%');
  return `if test -f ${dir}/%f; then cmp -s %p ${dir}/%f; else cp %p ${dir}/%f.$$.part && mv ${dir}/%f.$$.part ${dir}/%f; fi`;
}

/**
 * safeArchiveCommand made durable, for `pgcockpit archive setup`: the copy
 * is flushed to disk (`sync FILE`, coreutils 8.24 and later) before it takes
 * the segment's name, and the directory after, so an archived segment
 * survives a power cut on the archive's host. The runbook's `test ! -f && cp`
 * does neither: enough for a demo, not for the WAL a PITR depends on.
 *
 *   if test -f A/%f; then cmp -s %p A/%f; else cp %p A/%f.PID.part && sync A/%f.PID.part && mv A/%f.PID.part A/%f && sync A; fi
 */
export function durableArchiveCommand(archiveDir: string): string {
  const dir = shellQuote(archiveDir).replaceAll('%', '%%');
  return `if test -f ${dir}/%f; then cmp -s %p ${dir}/%f; else cp %p ${dir}/%f.$$.part && sync ${dir}/%f.$$.part && mv ${dir}/%f.$$.part ${dir}/%f && sync ${dir}; fi`;
}

/**
 * Whether an archive_command refuses a segment that is already archived
 * without comparing it first: the manual's own example `test ! -f X && cp`
 * (or `[ ! -f X ]`), with no cmp, diff or checksum in the command. Commands
 * of archiving tools (pgBackRest, WAL-G, Barman, ...) are not judged.
 */
export function refusesArchivedSegment(archiveCommand: string): boolean {
  const refusesExisting = /(?:\btest\s+!\s+-[ef]\s)|(?:\[\s+!\s+-[ef]\s)/.test(archiveCommand);
  const compares = /\b(?:cmp|diff|sha\d*sum|md5sum|b2sum|cksum)\b/.test(archiveCommand);
  return refusesExisting && !compares;
}

/** The restore_command that reads segments back from the same archive. */
export function archiveRestoreCommand(archiveDir: string): string {
  const dir = shellQuote(archiveDir).replaceAll('%', '%%');
  return `cp ${dir}/%f %p`;
}

import type { NodeSnapshot } from '../../cluster/nodeSnapshot.js';
import { refusesArchivedSegment } from '../../postgres/archiveCommand.js';
import type { PreflightCheck } from '../plan.js';

/**
 * The node about to become the primary starts archiving with its
 * archive_command. Right after a promotion it archives WAL that the old
 * primary archived already (the segments pg_basebackup copied, the last one
 * of the old timeline): a command that refuses an existing file without
 * comparing it (`test ! -f X && cp`) then fails on it for ever, pg_wal grows,
 * and the next switchover is refused for the failing archiver. A warning
 * with the fix, not a refusal: the promotion itself is not at risk.
 */
export function archiveCommandCheck(target: NodeSnapshot): PreflightCheck | undefined {
  const settings = target.server?.settings;
  const command = settings?.['archive_command'];
  if (command === undefined || settings?.['archive_mode'] === 'off') return undefined;
  const label = `${target.name}'s archive_command accepts a segment that is already archived`;
  if (!refusesArchivedSegment(command)) return { label, status: 'ok', observed: 'it compares before it refuses (or is a tool of its own)' };
  const dir = /(?:test|\[)\s+!\s+-[ef]\s+(\S+)\/%f/.exec(command)?.[1] ?? 'ARCHIVE';
  return {
    label,
    status: 'warn',
    observed: `"${command}" refuses any segment already in the archive: once ${target.name} is the primary it may fail for ever on WAL the old primary archived`,
    fix: `on every node: alter system set archive_command = 'if test -f ${dir}/%f; then cmp -s %p ${dir}/%f; else cp %p ${dir}/%f; fi'; select pg_reload_conf()`,
  };
}

import { refusesArchivedSegment } from '../postgres/archiveCommand.js';
import type { Alert } from './clusterView.js';
import type { NodeSnapshot } from './nodeSnapshot.js';

/**
 * A warning for every node whose archive_command refuses a segment the
 * archive already holds without comparing it (the manual's own example,
 * `test ! -f X && cp`). The server may archive a segment again (after a
 * crash before it recorded the success, around a promotion); such a command
 * then fails on it for ever: pg_wal grows and a switchover is refused. The
 * manual's advice: succeed when the archived copy is identical, fail only
 * when it differs. Standbys are checked too (archive_mode on): once promoted
 * they archive with the same command.
 */
export function archiveCommandAlerts(nodes: readonly NodeSnapshot[]): Alert[] {
  return nodes.flatMap((node): Alert[] => {
    const settings = node.status === 'up' ? node.server?.settings : undefined;
    const command = settings?.['archive_command'];
    if (command === undefined || settings?.['archive_mode'] === 'off' || !refusesArchivedSegment(command)) return [];
    const dir = /(?:test|\[)\s+!\s+-[ef]\s+(\S+)\/%f/.exec(command)?.[1] ?? 'ARCHIVE';
    return [
      {
        severity: 'warning',
        code: 'archive-command-not-idempotent',
        node: node.name,
        message:
          `${node.name}'s archive_command refuses a segment that is already archived even when the copy is identical ("test ! -f ... && cp"), ` +
          `so a segment archived again after a crash or a promotion fails for ever: compare first, e.g. ` +
          `if test -f ${dir}/%f; then cmp -s %p ${dir}/%f; else cp %p ${dir}/%f; fi`,
      },
    ];
  });
}

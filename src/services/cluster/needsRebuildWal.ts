import type { StandbyLink } from './clusterView.js';
import type { NodeSnapshot } from './nodeSnapshot.js';
import { segmentName, segmentNumberOf, segmentNumberOfName } from './walSegment.js';

/** A standby that cannot stream because its upstream no longer has the WAL it needs. */
export interface WalRemoved {
  standby: string;
  upstream: string;
  /** The segment the standby needs next (on its own timeline). */
  segment: string;
  /** How it is known: the slot's wal_status, or the oldest segment left in the upstream's pg_wal. */
  evidence: string;
  /** The archive still holds it (the archiving node's last_archived_wal is at or past it). */
  archived: { by: string; lastArchivedWal: string } | null;
  /** The standby already has a restore_command: it reads the archive by itself. */
  hasRestoreCommand: boolean;
  /** What to set as restore_command, when the archive_command shows where the archive is; null when it does not. */
  restoreCommand: string | null;
}

/**
 * Whether `standby`, not streaming, needs WAL its upstream has removed:
 * its slot there says wal_status = 'lost' (PostgreSQL >= 13, past
 * max_slot_wal_keep_size), or the segment holding its replay position is
 * older than the oldest one left in the upstream's pg_wal. The walsender
 * refuses it with "requested WAL segment ... has already been removed" and
 * the WAL receiver retries for ever, which no login or network fix cures.
 */
export function walRemovedFor(standby: NodeSnapshot, nodes: readonly NodeSnapshot[], links: readonly StandbyLink[]): WalRemoved | null {
  const server = standby.server;
  const link = links.find((candidate) => candidate.standby === standby.name);
  if (standby.status !== 'up' || standby.role !== 'standby' || !server || !link || link.receiverStreaming) return null;
  const upstream = nodes.find((node) => node.name === link.upstream && node.status === 'up');
  const facts = upstream?.server;
  if (!upstream || !facts) return null;
  const segmentBytes = server.walSegmentBytes ?? facts.walSegmentBytes ?? null;
  const position = server.replayLsn ?? server.receiveLsn;
  if (segmentBytes === null || segmentBytes <= 0 || position === null || server.timeline === null) return null;
  const needed = segmentNumberOf(position, segmentBytes);

  const slotName = server.walReceiver?.slotName ?? server.settings.primary_slot_name ?? '';
  const slot = slotName === '' ? undefined : facts.slots.find((candidate) => candidate.name === slotName);
  const oldest = facts.oldestWalSegment ? segmentNumberOfName(facts.oldestWalSegment, segmentBytes) : null;
  let evidence: string;
  if (slot?.walStatus === 'lost') evidence = `its slot ${slot.name} on ${upstream.name} has wal_status = lost`;
  else if (oldest !== null && needed < oldest) evidence = `${upstream.name}'s pg_wal starts at ${facts.oldestWalSegment}`;
  else return null;

  const archiving = archivingNode(upstream, nodes);
  const lastArchivedWal = archiving?.server?.archiver.lastArchivedWal ?? null;
  const lastArchived = lastArchivedWal === null ? null : segmentNumberOfName(lastArchivedWal, segmentBytes);
  const archived = archiving && lastArchivedWal !== null && lastArchived !== null && lastArchived >= needed ? { by: archiving.name, lastArchivedWal } : null;
  return {
    standby: standby.name,
    upstream: upstream.name,
    segment: segmentName(server.timeline, needed, segmentBytes),
    evidence,
    archived,
    hasRestoreCommand: (server.settings.restore_command ?? '') !== '',
    restoreCommand: archiving ? restoreCommandFor(archiving.server?.settings.archive_command ?? '') : null,
  };
}

/** Who archives the WAL the standby needs: its upstream when that archives, else the one primary that does. */
function archivingNode(upstream: NodeSnapshot, nodes: readonly NodeSnapshot[]): NodeSnapshot | undefined {
  if (upstream.server?.archiver.enabled) return upstream;
  return nodes.find((node) => node.status === 'up' && node.role === 'primary' && node.server?.archiver.enabled);
}

/**
 * The restore_command reading back what a copying archive_command wrote:
 * `cp %p DIR/%f` (alone, behind `test ! -f DIR/%f &&`, or in pgcockpit's
 * copy-then-rename form `cp %p DIR/%f.$$.part && mv ...`) becomes
 * `cp DIR/%f %p`. Other commands (rsync to a host, pgBackRest, WAL-G) have
 * their own restore command, which pgcockpit does not guess.
 */
export function restoreCommandFor(archiveCommand: string): string | null {
  const copy = /\bcp\s+(?:-[a-z]+\s+)*%p\s+('[^']*'|"[^"]*"|[^\s'";&|]+)\/%f(?:[\s;&|.]|$)/.exec(archiveCommand);
  if (!copy) return null;
  return `cp ${copy[1]}/%f %p`;
}

import type { LinkPairing } from './clusterView.js';
import type { NodeSnapshot, ReplicaLink } from './nodeSnapshot.js';
import { sameHost } from './sameHost.js';

export interface WalsenderPairing {
  row: ReplicaLink;
  pairedBy: LinkPairing;
}

/**
 * Pairs the standbys streaming from one upstream with the upstream's
 * walsender rows (pg_stat_replication), by what identifies them, strongest
 * first, each row going to one standby at most:
 * 1. slot: the standby's WAL receiver uses slot S (pg_stat_wal_receiver.slot_name,
 *    else its primary_slot_name); on the upstream, S's active_pid is the pid of
 *    the walsender streaming through it. Exact, whatever the names and addresses.
 * 2. address: the one remaining walsender whose client_addr is the standby's host
 *    (servers sharing a host, or a pg_receivewal there, make it ambiguous: no guess).
 * 3. application_name: the remaining walsender named after the standby. A standby
 *    cloned with `pg_basebackup -R` and left as is connects as "walreceiver", so
 *    names alone cannot tell two such standbys apart.
 * Base backups, rows named after another configured node and walsenders
 * streaming through another slot than the standby's are never guessed.
 */
export function pairWalsenders(upstream: NodeSnapshot, standbys: NodeSnapshot[], nodes: NodeSnapshot[]): Map<NodeSnapshot, WalsenderPairing> {
  const replicas = upstream.server?.replicas ?? [];
  const slots = upstream.server?.slots ?? [];
  // Without a WAL receiver a standby has no connection: no walsender can be its.
  const connected = standbys.filter((standby) => standby.server?.walReceiver);
  const paired = new Map<NodeSnapshot, WalsenderPairing>();
  const claimed = new Set<ReplicaLink>();
  const pair = (standby: NodeSnapshot, row: ReplicaLink | undefined, pairedBy: LinkPairing) => {
    if (!row || claimed.has(row) || paired.has(standby)) return;
    paired.set(standby, { row, pairedBy });
    claimed.add(row);
  };

  for (const standby of connected) {
    const slotName = receiverSlotName(standby);
    const activePid = slotName === null ? null : (slots.find((slot) => slot.name === slotName)?.activePid ?? null);
    if (activePid !== null) pair(standby, replicas.find((row) => row.pid === activePid), 'slot');
  }

  const names = new Set(nodes.map((node) => node.name));
  // A walsender streaming through a slot other than the one the standby uses serves someone else.
  const slotOfPid = new Map(slots.flatMap((slot) => (slot.activePid === null ? [] : [[slot.activePid, slot.name] as const])));
  const guessable = (row: ReplicaLink, standby: NodeSnapshot) => {
    const rowSlot = row.pid === null ? undefined : slotOfPid.get(row.pid);
    const ownSlot = receiverSlotName(standby);
    if (rowSlot !== undefined && ownSlot !== null && rowSlot !== ownSlot) return false;
    return !claimed.has(row) && row.state !== 'backup' && (row.applicationName === standby.name || !names.has(row.applicationName));
  };
  for (const standby of connected) {
    if (paired.has(standby)) continue;
    const fromItsHost = replicas.filter((row) => guessable(row, standby) && row.clientAddr !== null && sameHost(row.clientAddr, standby.host));
    if (fromItsHost.length === 1) pair(standby, fromItsHost[0], 'address');
  }
  for (const standby of connected) {
    if (paired.has(standby)) continue;
    pair(standby, replicas.find((row) => guessable(row, standby) && row.applicationName === standby.name), 'application_name');
  }
  return paired;
}

/**
 * The slot the standby streams through: its receiver's, else primary_slot_name
 * (readable without pg_read_all_stats, which hides the receiver's details).
 */
function receiverSlotName(standby: NodeSnapshot): string | null {
  const fromReceiver = standby.server?.walReceiver?.slotName;
  if (fromReceiver) return fromReceiver;
  const configured = standby.server?.settings.primary_slot_name;
  return configured ? configured : null;
}

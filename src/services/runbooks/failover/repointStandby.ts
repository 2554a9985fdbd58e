import type { NodeConfig } from '../../config/schema.js';
import type { StepContext } from '../plan.js';
import { lastServerError } from '../serverLogTail.js';

/** A string literal for a utility statement (ALTER SYSTEM takes no bind parameters); standard_conforming_strings is on since 9.1. */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The statements that point a standby at a new upstream; the caller reloads (>= 13) or restarts (12). */
export function repointStatements(conninfo: string, slotName: string): string[] {
  return [`alter system set primary_conninfo = ${sqlLiteral(conninfo)}`, `alter system set primary_slot_name = ${sqlLiteral(slotName)}`];
}

/** primary_conninfo and primary_slot_name became reloadable in PostgreSQL 13; before, the standby must restart. */
export const RELOADS_PRIMARY_CONNINFO = 130000;

export interface StreamingWait {
  timeoutMs: number;
  /** The slot the standby must stream through (its primary_slot_name): the upstream shows its walsender on it. */
  slot: string;
  /** The WAL receiver's pid before the change: streaming counts only from a new receiver (the old one keeps streaming for a moment after a reload). */
  previousReceiverPid?: number | null;
}

export const RECEIVER_SQL = 'select pid, status, sender_host, sender_port, slot_name from pg_stat_wal_receiver';
/** The upstream's walsender for a slot: the slot's active_pid is the walsender's pid (application_name may be "walreceiver" for every standby). */
const SENDER_SQL =
  'select s.state from pg_replication_slots sl join pg_stat_replication s on s.pid = sl.active_pid where sl.slot_name = $1';

/** The WAL receiver's pid now (null when none runs). */
export async function receiverPid(ctx: StepContext, standby: NodeConfig): Promise<number | null> {
  const [row] = await ctx.sql<{ pid: number | null }>(standby.name, RECEIVER_SQL, { mutating: false });
  return row?.pid ?? null;
}

/**
 * Waits until `standby` streams from `upstream` on its new connection, seen
 * from both ends: a WAL receiver that is not the one from before the change,
 * streaming from the upstream's port through the expected slot, and on the
 * upstream that slot active, held by a walsender that is streaming. On
 * timeout the error quotes the standby's own last server-log error.
 */
export async function waitForStandbyStreaming(ctx: StepContext, standby: NodeConfig, upstream: NodeConfig, wait: StreamingWait): Promise<{ elapsedMs: number }> {
  const startedAt = Date.now();
  let lastSeen = 'no WAL receiver';
  while (Date.now() - startedAt < wait.timeoutMs) {
    try {
      const [receiver] = await ctx.sql<{ pid: number; status: string; sender_port: number | null; slot_name: string | null }>(standby.name, RECEIVER_SQL, { mutating: false });
      lastSeen = receiver ? `WAL receiver ${receiver.status} from port ${receiver.sender_port ?? '?'} through slot ${receiver.slot_name ?? 'none'}` : 'no WAL receiver';
      const fresh = receiver !== undefined && (wait.previousReceiverPid == null || receiver.pid !== wait.previousReceiverPid);
      if (receiver && !fresh) lastSeen += ' (still the receiver from before the change)';
      if (fresh && receiver?.status === 'streaming' && receiver.sender_port === upstream.port && receiver.slot_name === wait.slot) {
        const rows = await ctx.sql<{ state: string }>(upstream.name, SENDER_SQL, { mutating: false, params: [wait.slot] });
        if (rows.some((row) => row.state === 'streaming')) return { elapsedMs: Date.now() - startedAt };
        lastSeen += `, ${upstream.name} shows ${rows.map((row) => row.state).join(', ') || `no walsender on slot ${wait.slot}`}`;
      }
    } catch (error) {
      // A standby restarting (PostgreSQL 12) refuses connections for a moment.
      lastSeen = error instanceof Error ? error.message : String(error);
      await ctx.resetSession(standby.name);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const logged = await lastServerError(ctx, standby);
  throw new Error(
    `${standby.name} not streaming from ${upstream.name} after ${wait.timeoutMs / 1000} s (last seen: ${lastSeen}); ` +
      (logged ? `${standby.name}'s server log says: ${logged}` : `its server log could not be read`),
  );
}

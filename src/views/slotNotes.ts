import type { ReplicationSlot } from '../services/cluster/nodeSnapshot.js';
import { settingSeconds } from '../services/cluster/settingSeconds.js';
import { ageText } from './ageText.js';
import { formatDuration } from '../services/cluster/formatDuration.js';

/**
 * What the later majors tell about a slot, in a few words for the detail's
 * slot table: a logical slot's database; failover (17+: the standbys keep a
 * synced copy) and synced (17+: this is that copy); why it was invalidated
 * (17+) or that a recovery conflict did it (16); how long it has been
 * inactive (17+), and on 18 the time left before idle_replication_slot_timeout
 * invalidates it. Empty for a plain physical slot on an older server.
 */
export function slotNotes(slot: ReplicationSlot, settings: Readonly<Record<string, string>>, now: number | undefined): string {
  const notes: string[] = [];
  if (slot.database) notes.push(`db ${slot.database}`);
  if (slot.failover) notes.push('failover');
  if (slot.synced) notes.push('synced');
  if (slot.invalidationReason) notes.push(`INVALID: ${slot.invalidationReason}`);
  else if (slot.conflicting) notes.push('INVALID: conflict');
  if (!slot.active && slot.inactiveSince != null && now !== undefined && !slot.invalidationReason) {
    notes.push(`inactive ${ageText(now, slot.inactiveSince)}`);
    // Synced copies on a standby are never invalidated for idleness.
    const timeout = settingSeconds(settings['idle_replication_slot_timeout']);
    if (timeout && timeout > 0 && !slot.synced) {
      const left = timeout - Math.max(0, now - slot.inactiveSince) / 1000;
      notes.push(left > 0 ? `idle timeout in ${formatDuration(left)}` : 'idle timeout passed');
    }
  }
  return notes.join(', ');
}

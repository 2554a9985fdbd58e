import type { NodeSnapshot, ReplicationSlot } from '../../cluster/nodeSnapshot.js';
import type { PreflightCheck } from '../plan.js';

/**
 * Failover slots (PostgreSQL 17+): a logical slot created with
 * `failover = true` on the primary is copied to a standby by its slot sync
 * worker, so that subscribers carry on after that standby is promoted. Without a synced,
 * valid copy on the target the subscriber stops at the promotion and must be
 * rebuilt. A copy is kept in sync only while the standby has
 * sync_replication_slots and hot_standby_feedback on and a dbname in its
 * primary_conninfo; and the primary must not send a change to a subscriber
 * before the standby has it (synchronized_standby_slots names the standby's
 * physical slot), or the subscriber would be ahead of the new primary.
 *
 * Pure: from the target's snapshot, and the primary's slots and settings (its
 * snapshot when it answers, else the slots it last showed). No check when the
 * primary has no failover slot or the target cannot sync them (before 17).
 */
export interface FailoverSlotsInput {
  target: NodeSnapshot;
  primaryName: string;
  /** The primary's slots: now, or as last seen when it is down (undefined: never seen). */
  primarySlots: readonly ReplicationSlot[] | undefined;
  /** The primary's settings when it answers now (synchronized_standby_slots). */
  primarySettings?: Readonly<Record<string, string>>;
  /** --ignore-failover-slots: promote anyway; the refusals become warnings. */
  ignore?: boolean;
}

export const IGNORE_FAILOVER_SLOTS_FLAG = '--ignore-failover-slots';

export function failoverSlotsChecks(input: FailoverSlotsInput): PreflightCheck[] {
  const { target, primaryName } = input;
  const server = target.server;
  const failoverSlots = (input.primarySlots ?? []).filter((slot) => slot.type === 'logical' && slot.failover === true);
  if (!server || failoverSlots.length === 0) return [];
  const refuse = (check: Required<Omit<PreflightCheck, 'status'>>): PreflightCheck =>
    input.ignore
      ? { ...check, status: 'warn', fix: `promoting anyway (${IGNORE_FAILOVER_SLOTS_FLAG}): the subscribers of these slots stop at the promotion and need their subscriptions re-created` }
      : { ...check, status: 'fail', fix: `${check.fix}; or pass ${IGNORE_FAILOVER_SLOTS_FLAG} to promote without them (their subscribers then stop)` };
  const names = failoverSlots.map((slot) => slot.name).join(', ');
  // The setting exists where slot sync does (17+): what the server offers, not its version number.
  if (!('sync_replication_slots' in server.settings)) {
    return [
      refuse({
        label: `${primaryName}'s failover slots can follow the promotion`,
        observed: `${primaryName} has failover slots (${names}), but ${target.name} runs PostgreSQL ${server.version}, which cannot sync them (17 and later can)`,
        fix: `upgrade ${target.name} to the primary's major before promoting it`,
      }),
    ];
  }

  const checks: PreflightCheck[] = [];
  const copies = new Map(server.slots.map((slot) => [slot.name, slot]));
  // A synced copy stays temporary until the primary's slot has passed it, and a temporary one is dropped at the promotion (the manual's failover-ready query: synced and not temporary).
  const missing = failoverSlots.filter((slot) => copies.get(slot.name)?.synced !== true || copies.get(slot.name)?.temporary === true);
  const invalid = failoverSlots.filter((slot) => {
    const copy = copies.get(slot.name);
    return copy?.synced === true && (Boolean(copy.invalidationReason) || copy.conflicting === true);
  });
  const label = `failover slots are synced on ${target.name} and valid`;
  if (missing.length > 0) {
    checks.push(
      refuse({
        label,
        observed: missing
          .map((slot) => `${slot.name}${slot.database ? ` (database ${slot.database})` : ''}: ${copies.get(slot.name)?.synced === true ? `its copy on ${target.name} is still temporary (the primary's slot has not passed it yet; it is dropped at the promotion)` : `no synced copy on ${target.name}`}`)
          .join('; '),
        fix: `on ${target.name}: sync_replication_slots = on, hot_standby_feedback = on, a dbname in primary_conninfo; then wait for the copy (select pg_sync_replication_slots() on ${target.name} syncs at once; a temporary copy becomes permanent once the subscriber has confirmed past it)`,
      }),
    );
  } else if (invalid.length > 0) {
    checks.push(
      refuse({
        label,
        observed: invalid.map((slot) => `${slot.name}'s copy is invalidated (${copies.get(slot.name)?.invalidationReason ?? 'conflict with recovery'})`).join('; '),
        fix: `drop the copy on ${target.name} (select pg_drop_replication_slot('<name>')) and let it sync again from ${primaryName}`,
      }),
    );
  } else {
    checks.push({ label, status: 'ok', observed: `${names}: synced on ${target.name}` });
  }

  // What keeps the copies in sync from now until the promotion.
  const settings = server.settings;
  const off = [
    settings['sync_replication_slots'] !== 'on' ? `sync_replication_slots = ${settings['sync_replication_slots'] ?? '?'}` : null,
    settings['hot_standby_feedback'] !== 'on' ? `hot_standby_feedback = ${settings['hot_standby_feedback'] ?? '?'}` : null,
    /\bdbname\s*=/.test(settings['primary_conninfo'] ?? '') ? null : 'no dbname in primary_conninfo',
  ].filter((item): item is string => item !== null);
  checks.push(
    off.length === 0
      ? { label: `${target.name} keeps failover slots in sync`, status: 'ok', observed: 'sync_replication_slots, hot_standby_feedback on; primary_conninfo has a dbname' }
      : {
          label: `${target.name} keeps failover slots in sync`,
          status: 'warn',
          observed: `${off.join(', ')}: the copies stop following ${primaryName}`,
          fix: `on ${target.name}: alter system set sync_replication_slots = on; alter system set hot_standby_feedback = on; add dbname=postgres to primary_conninfo; select pg_reload_conf()`,
        },
  );

  // The primary holds back logical changes until the target has them.
  const targetSlot = target.server?.settings['primary_slot_name'] || target.server?.walReceiver?.slotName || '';
  const named = input.primarySettings?.['synchronized_standby_slots'];
  if (named === undefined) {
    checks.push({ label: `${primaryName}'s synchronized_standby_slots names ${target.name}'s slot`, status: 'warn', observed: `not known: ${primaryName} does not answer` });
  } else {
    const listed = named.split(',').map((item) => item.trim().replace(/^"|"$/g, ''));
    checks.push(
      targetSlot !== '' && listed.includes(targetSlot)
        ? { label: `${primaryName}'s synchronized_standby_slots names ${target.name}'s slot`, status: 'ok', observed: `"${named}"` }
        : {
            label: `${primaryName}'s synchronized_standby_slots names ${target.name}'s slot`,
            status: 'warn',
            observed: `"${named}" lacks ${targetSlot || `${target.name}'s slot (it streams without one)`}: a subscriber may get changes ${target.name} never received`,
            fix: `on ${primaryName}: alter system set synchronized_standby_slots = '${[...listed.filter((item) => item !== ''), targetSlot || 'SLOT'].join(', ')}'; select pg_reload_conf()`,
          },
    );
  }
  return checks;
}

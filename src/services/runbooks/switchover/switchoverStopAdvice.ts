import type { NodeConfig } from '../../config/schema.js';
import type { PlanStep } from '../plan.js';
import { commandLine } from '../../os/shellQuote.js';
import { serviceCommand } from '../serviceControl.js';
import { whereCommandRuns } from '../whereCommandRuns.js';
import type { SwitchoverRun } from './switchoverSteps.js';

export interface SwitchoverStopFacts {
  oldPrimary: NodeConfig;
  target: NodeConfig;
  run: SwitchoverRun;
}

/**
 * Gives each switchover step its ifStoppedAfter: what a Ctrl-C (or a failure
 * of the next step) leaves, and the command that completes or reverses it.
 * Three phases, told apart by the stop and promote steps:
 * - before the old primary is stopped nothing changed: plan again;
 * - stopped, not promoted: the old primary is still the cluster's primary
 *   (clean shutdown, every standby still behind it); starting it again gives
 *   it its role back, and no standby needs anything;
 * - promoted: the target is the primary and the old one must not be started
 *   as it is (a second primary); what is left (checkpoint, slots, re-points,
 *   the rejoin that makes it a standby) is listed step by step by the caller.
 * Returns the steps it was given, for a one-line call from the planner.
 */
export function adviseSwitchoverStops(steps: PlanStep[], facts: SwitchoverStopFacts): PlanStep[] {
  const { oldPrimary, target, run } = facts;
  const stopIndex = steps.findIndex((step) => step.node === oldPrimary.name && step.mutating && step.description.startsWith('stop '));
  const promoteIndex = steps.findIndex((step) => step.node === target.name && step.description.startsWith('promote '));
  if (stopIndex < 0 || promoteIndex < stopIndex) return steps;
  const start = commandLine(serviceCommand(oldPrimary, 'start'));
  const again = `pgcockpit switchover --to ${target.name}`;
  steps.forEach((step, index) => {
    if (index < stopIndex) {
      step.ifStoppedAfter = () => `nothing was changed: ${oldPrimary.name} is still the primary and every standby still streams from it; to switch over, run ${again} again`;
    } else if (index < promoteIndex) {
      step.ifStoppedAfter = () =>
        `${oldPrimary.name} is stopped (cleanly${run.shutdownCheckpointLsn ? `, shutdown checkpoint ${run.shutdownCheckpointLsn}` : ''}) and is still the primary of the cluster: ` +
        `nothing was promoted, ${target.name} and the other standbys are standbys of it, waiting for it. ` +
        `To reverse, start it (${whereCommandRuns(oldPrimary)}): ${start} ; the standbys reconnect by themselves. Then ${again} to try again`;
    } else if (index < steps.length - 1) {
      step.ifStoppedAfter = () =>
        `${target.name} is the primary${run.promotion.timeline ? ` on timeline ${run.promotion.timeline}` : ''} and takes writes; ` +
        `${oldPrimary.name} is stopped and must NOT be started as it is (it would be a second primary). ` +
        `To complete, carry out the steps not run below in order (statements on the node named, as a superuser; commands ${whereCommandRuns(oldPrimary)}; ` +
        `password=******** stands for the password already in that node's primary_conninfo). ` +
        `Once ${oldPrimary.name} streams from ${target.name}, ${`pgcockpit switchover --to ${oldPrimary.name}`} switches back`;
    }
  });
  return steps;
}

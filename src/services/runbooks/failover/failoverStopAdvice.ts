import type { PlanStep } from '../plan.js';
import type { FailoverRun } from './failoverSteps.js';

export interface FailoverStopFacts {
  target: string;
  oldPrimary: string | null;
  run: FailoverRun;
}

/**
 * Gives each failover step its ifStoppedAfter: what a Ctrl-C (or a failure
 * of the next step) leaves, and what completes it. Before the promotion the
 * target is still a standby (a fence that ran keeps the old primary stopped,
 * which is what a failover wants): planning again completes it. After it, the
 * target is the primary; the standbys not yet re-pointed still follow the
 * old primary, and the caller lists those steps with their exact SQL.
 * Returns the steps it was given, for a one-line call from the planner.
 */
export function adviseFailoverStops(steps: PlanStep[], facts: FailoverStopFacts): PlanStep[] {
  const { target, oldPrimary, run } = facts;
  const promoteIndex = steps.findIndex((step) => step.node === target && step.description.startsWith('promote '));
  if (promoteIndex < 0) return steps;
  const old = oldPrimary ?? 'the old primary';
  steps.forEach((step, index) => {
    if (index < promoteIndex) {
      step.ifStoppedAfter = () => {
        const fenced = steps.slice(0, index + 1).some((done) => done.description.includes('(fence)'));
        return `${target} was not promoted: it is still a standby${fenced ? ` and ${old}'s server is stopped (fenced)` : ''}; to fail over, run pgcockpit promote ${target} again`;
      };
    } else if (index < steps.length - 1) {
      step.ifStoppedAfter = () =>
        `${target} is the primary${run.timeline ? ` on timeline ${run.timeline}` : ''} and takes writes; the standbys not yet re-pointed still follow ${old} and receive nothing. ` +
        `To complete, carry out the steps not run below in order (statements on the node named, as a superuser; ` +
        `password=******** stands for the password already in that node's primary_conninfo); ${old} must be rebuilt from ${target} before it rejoins: do not start it as it is`;
    }
  });
  return steps;
}

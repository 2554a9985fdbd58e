import { loadConfig } from '../services/config/loadConfig.js';
import { prepareFailover } from '../services/runbooks/failover/prepareFailover.js';
import { requireConfigPath } from './requireConfigPath.js';
import type { PlanCommandFlags } from './runPlanCommand.js';
import { conflictingPlanFlags, runPlanCommand } from './runPlanCommand.js';

export interface PromoteOptions extends PlanCommandFlags {
  node: string;
  config?: string;
  /** Accept resuming a paused WAL replay on the target first. */
  resumeReplay: boolean;
  /** Stop the old primary's server through its host first when it still runs there but does not answer here. */
  fence?: boolean;
  /** Promote although the old primary is alive and not fenced: the plan then asks for "two primaries" typed. */
  allowTwoPrimaries?: boolean;
  /** Seconds the target has to leave recovery, and each re-pointed standby to stream. */
  promoteTimeout?: number;
  streamTimeout?: number;
}

/**
 * `pgcockpit promote NODE`: failover to NODE. Prints the plan (checks with
 * what was observed, steps with their exact SQL); --dry-run stops there,
 * --yes (or typing the node name on a terminal) carries it out, streaming
 * each step. A refused plan exits 2 with the reason and changes nothing.
 */
export async function promoteCommand(options: PromoteOptions): Promise<void> {
  if (conflictingPlanFlags('promote', options)) return;
  const config = await loadConfig(requireConfigPath(options.config));
  const plan = await prepareFailover(config, options.node, {
    resumeReplay: options.resumeReplay,
    ...(options.fence ? { fence: true } : {}),
    ...(options.allowTwoPrimaries ? { allowTwoPrimaries: true } : {}),
    ...(options.promoteTimeout ? { promoteTimeoutMs: options.promoteTimeout * 1000 } : {}),
    ...(options.streamTimeout ? { streamTimeoutMs: options.streamTimeout * 1000 } : {}),
  });
  await runPlanCommand({
    command: 'failover',
    confirmVerb: 'promote it',
    flags: options,
    config,
    plan,
    succeeded: (done) =>
      `${done.target} is the primary on timeline ${done.run.timeline ?? '?'}` +
      (done.run.needsRebuild.length > 0 ? `; needs rebuild: ${done.run.needsRebuild.join(', ')}` : ''),
  });
}

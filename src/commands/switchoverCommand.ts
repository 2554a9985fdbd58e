import { loadConfig } from '../services/config/loadConfig.js';
import { prepareSwitchover } from '../services/runbooks/switchover/prepareSwitchover.js';
import { requireConfigPath } from './requireConfigPath.js';
import type { PlanCommandFlags } from './runPlanCommand.js';
import { conflictingPlanFlags, runPlanCommand } from './runPlanCommand.js';

export interface SwitchoverCommandOptions extends PlanCommandFlags {
  /** The standby that becomes the primary. */
  to: string;
  config?: string;
  /** Most lag (MiB) a standby may have at plan time. */
  maxLagMb?: number;
  /** Seconds the target has to replay the old primary's shutdown checkpoint, and each standby to stream. */
  replayTimeout?: number;
  streamTimeout?: number;
  /** Create the old primary's other physical slots on the new primary (and drop them from the old one). */
  copySlots?: boolean;
}

/**
 * `pgcockpit switchover --to NODE`: the primary role moves to NODE with the
 * primary up and nothing lost. Prints the plan; --dry-run stops there, --yes
 * (or typing the node name on a terminal) carries it out, streaming each
 * step. A refused plan exits 2 with the reason and changes nothing.
 */
export async function switchoverCommand(options: SwitchoverCommandOptions): Promise<void> {
  if (conflictingPlanFlags('switchover', options)) return;
  const config = await loadConfig(requireConfigPath(options.config));
  const plan = await prepareSwitchover(config, options.to, {
    ...(options.maxLagMb !== undefined ? { maxLagBytes: options.maxLagMb * 1024 * 1024 } : {}),
    ...(options.replayTimeout ? { replayTimeoutMs: options.replayTimeout * 1000 } : {}),
    ...(options.streamTimeout ? { streamTimeoutMs: options.streamTimeout * 1000 } : {}),
    ...(options.copySlots ? { copySlots: true } : {}),
  });
  await runPlanCommand({
    command: 'switchover',
    confirmVerb: 'switch over to it',
    flags: options,
    config,
    plan,
    succeeded: (done) => `${done.target} is the primary on timeline ${done.run.promotion.timeline ?? '?'}; ${done.oldPrimary} streams from it`,
  });
}

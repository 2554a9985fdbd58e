import type { CockpitConfig } from '../../config/schema.js';
import { gatherFailoverFacts } from '../failover/failoverFacts.js';
import type { SwitchoverOptions, SwitchoverPlan } from './planSwitchover.js';
import { planSwitchover } from './planSwitchover.js';

/** One look at the cluster, then the switchover plan to `target`: what the TUI modal and the CLI both start from. */
export async function prepareSwitchover(config: CockpitConfig, target: string, options: SwitchoverOptions = {}): Promise<SwitchoverPlan> {
  return planSwitchover(config, await gatherFailoverFacts(config), target, options);
}

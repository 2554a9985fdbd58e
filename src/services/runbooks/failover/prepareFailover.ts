import type { CockpitConfig } from '../../config/schema.js';
import { gatherFailoverFacts } from './failoverFacts.js';
import type { FailoverOptions, FailoverPlan } from './planFailover.js';
import { planFailover } from './planFailover.js';

/** One look at the cluster, then the failover plan for `target`: what the TUI modal and the CLI both start from. */
export async function prepareFailover(config: CockpitConfig, target: string, options: FailoverOptions = {}): Promise<FailoverPlan> {
  return planFailover(config, await gatherFailoverFacts(config), target, options);
}

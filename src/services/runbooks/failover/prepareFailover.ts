import type { CockpitConfig } from '../../config/schema.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import type { RunnerSource } from '../plan.js';
import { gatherFailoverFacts, probeDownHosts } from './failoverFacts.js';
import type { FailoverOptions, FailoverPlan } from './planFailover.js';
import { planFailover } from './planFailover.js';

export interface PrepareFailoverOptions {
  /** The runners that ask down nodes' hosts whether their server still runs; default: read-only ones made (and closed) here. */
  runners?: RunnerSource;
}

/**
 * One look at the cluster (plus, for each node that is down, its host asked
 * through its runner whether its server still runs), then the failover plan
 * for `target`: what the TUI modal and the CLI both start from.
 */
export async function prepareFailover(
  config: CockpitConfig,
  target: string,
  options: FailoverOptions = {},
  prepare: PrepareFailoverOptions = {},
): Promise<FailoverPlan> {
  const facts = await gatherFailoverFacts(config);
  // Asking for a status changes nothing: read-only runners are enough.
  const own = prepare.runners ? undefined : createNodeRunners(config, { readOnly: true });
  try {
    const hosts = await probeDownHosts(config, facts.view, prepare.runners ?? own!);
    return planFailover(config, { ...facts, hosts }, target, options);
  } finally {
    await own?.close().catch(() => undefined);
  }
}

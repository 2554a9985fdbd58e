import { collectClusterView } from '../services/cluster/collectClusterView.js';
import { loadConfig } from '../services/config/loadConfig.js';
import { planArchiveSetup } from '../services/pitr/archiveSetupPlan.js';
import { archiveRunnerName, readArchiveFacts } from '../services/pitr/readArchiveFacts.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import { EXIT_USAGE } from './exitCodes.js';
import { requireConfigPath } from './requireConfigPath.js';
import type { PlanCommandFlags } from './runPlanCommand.js';
import { conflictingPlanFlags, runPlanCommand } from './runPlanCommand.js';

/** `pgcockpit archive setup`: the plan (directory, durable archive_command, archive_mode, wal_level), run like a runbook's. */
export async function archiveSetupCommand(options: { config?: string; node?: string; replace: boolean } & PlanCommandFlags): Promise<void> {
  if (conflictingPlanFlags('archive setup', options)) return;
  const config = await loadConfig(requireConfigPath(options.config));
  const name = options.node ?? (await collectClusterView(config, 5000)).nodes.find((node) => node.status === 'up' && node.role === 'primary')?.name;
  const primary = config.nodes.find((node) => node.name === name);
  if (!primary) {
    process.stderr.write(name ? `pgcockpit: no node named "${name}" in the config\n` : 'pgcockpit: no primary is up; name a node with --node\n');
    process.exitCode = EXIT_USAGE;
    return;
  }
  const probes = createNodeRunners(config, { readOnly: true });
  const facts = await readArchiveFacts(config, primary, probes, { live: false }).finally(() => probes.close());
  const plan = planArchiveSetup(config, primary, facts, { replace: options.replace, runnerNode: archiveRunnerName(config, primary) });
  await runPlanCommand({ command: 'archive setup', confirmVerb: 'set up its archive', flags: options, config, plan, succeeded: () => `archive set up on ${primary.name}; check it: pgcockpit archive check` });
}

import { loadConfig } from '../services/config/loadConfig.js';
import { formatBytes } from '../services/cluster/formatBytes.js';
import { keptOwner, listKeptDirectories, removeKeptPlan } from '../services/runbooks/rebuild/keptDirectories.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import { EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { requireConfigPath } from './requireConfigPath.js';
import type { PlanCommandFlags } from './runPlanCommand.js';
import { conflictingPlanFlags, runPlanCommand } from './runPlanCommand.js';

/**
 * `pgcockpit cleanup`: the directories rebuilds kept beside the nodes' data
 * directories (the old data directory, a cancelled partial copy, the
 * configuration saved before a rewind), with their sizes; `--remove DIR`
 * deletes one of those (nothing else), after its name is typed or with --yes.
 */
export async function cleanupCommand(options: { config?: string; remove?: string } & PlanCommandFlags): Promise<void> {
  const config = await loadConfig(requireConfigPath(options.config));
  if (options.remove !== undefined) {
    if (conflictingPlanFlags('cleanup', options)) return;
    const node = keptOwner(config, options.remove);
    if (!node) {
      process.stderr.write(`pgcockpit: ${options.remove} is not a directory a rebuild kept (<dataDir>.pgcockpit-<time> beside a node's data directory); nothing was removed. pgcockpit cleanup lists them\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    await runPlanCommand({ command: 'cleanup', confirmVerb: 'remove it', flags: options, config, plan: removeKeptPlan(node, options.remove), succeeded: (plan) => plan.steps[0]?.description.replace(/^remove/, 'removed') ?? 'removed' });
    return;
  }
  const runners = createNodeRunners(config, { readOnly: true });
  try {
    const { kept, problems } = await listKeptDirectories(config, runners);
    if (kept.length === 0) process.stdout.write('nothing kept: no <dataDir>.pgcockpit-* directory beside any node\'s data directory\n');
    for (const entry of kept) {
      process.stdout.write(`${entry.node.padEnd(8)} ${(entry.bytes === null ? '?' : formatBytes(entry.bytes)).padStart(8)}  ${entry.kind.padEnd(15)} ${entry.path}\n`);
    }
    if (kept.length > 0) process.stdout.write(`remove one: pgcockpit cleanup --remove <directory> (asks for its name; --yes does not ask)\n`);
    for (const problem of problems) process.stderr.write(`pgcockpit: could not list ${problem}\n`);
    process.exitCode = EXIT_OK;
  } finally {
    await runners.close();
  }
}

import { collectClusterView } from '../services/cluster/collectClusterView.js';
import { loadConfig } from '../services/config/loadConfig.js';
import { archiveChecks } from '../services/pitr/archiveCheck.js';
import { readArchiveFacts } from '../services/pitr/readArchiveFacts.js';
import { checkLines } from '../services/runbooks/formatPlan.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import { maskSecrets } from '../services/runner/secretMasker.js';
import { EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { requireConfigPath } from './requireConfigPath.js';

/**
 * `pgcockpit archive check`: the WAL archive the cluster's PITR depends on,
 * checked with values, on the primary (or --node): directory, owner, mode,
 * wal_level, archive_mode, archive_command, and a live test (a segment
 * switched out must arrive; --no-live or --read-only skips it). Exit 0 when
 * every check passes, 2 when one fails.
 */
export async function archiveCheckCommand(options: { config?: string; node?: string; live: boolean; readOnly: boolean }): Promise<void> {
  const config = await loadConfig(requireConfigPath(options.config));
  let name = options.node;
  if (!name) {
    const view = await collectClusterView(config, 5000);
    name = view.nodes.find((node) => node.status === 'up' && node.role === 'primary')?.name;
    if (!name) {
      process.stderr.write('pgcockpit: no primary is up to check the archive of; name a node with --node\n');
      process.exitCode = EXIT_USAGE;
      return;
    }
  }
  const primary = config.nodes.find((node) => node.name === name);
  if (!primary) {
    process.stderr.write(`pgcockpit: no node named "${name}" in the config\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const runners = createNodeRunners(config, { readOnly: true });
  try {
    const live = options.live && !options.readOnly;
    const facts = await readArchiveFacts(config, primary, runners, { live });
    const checks = archiveChecks(config, primary, facts);
    const lines = [`archive check on ${primary.name}`, ...checkLines(checks)];
    if (!live) lines.push(`  (no live test: ${options.readOnly ? '--read-only' : '--no-live'}; it switches out a WAL segment)`);
    process.stdout.write(`${maskSecrets(lines.join('\n'))}\n`);
    process.exitCode = checks.some((check) => check.status === 'fail') ? EXIT_USAGE : EXIT_OK;
  } finally {
    await runners.close();
  }
}

import { listBaseBackups } from '../services/backups/baseBackupCatalog.js';
import { backupsRunnerName } from '../services/backups/backupsHost.js';
import { catalogDir } from '../services/backups/catalogDir.js';
import { loadConfig } from '../services/config/loadConfig.js';
import { archiveNodeOf } from '../services/pitr/archiveNodeOf.js';
import { readRecoverableWindows } from '../services/pitr/readRecoverableWindows.js';
import { formatWindowLine } from '../services/pitr/recoverableWindowText.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import { maskSecrets } from '../services/runner/secretMasker.js';
import { EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { requireConfigPath } from './requireConfigPath.js';

/**
 * `pgcockpit window [--json] [--node N]`: for each complete base backup in
 * the catalog, the times it can be recovered to: from its end to the last
 * commit in the archived WAL that follows it without a gap, the timeline,
 * the gaps and restore points. Read-only: it lists and reads the archive
 * and runs pg_waldump on the archive's host. --node names whose archive it
 * is (default: archive.host's node, else the primary, else, with none up,
 * the node the newest backup came from).
 */
export async function windowCommand(options: { config?: string; node?: string; json: boolean }): Promise<void> {
  const config = await loadConfig(requireConfigPath(options.config));
  if (options.node && !config.nodes.some((node) => node.name === options.node)) {
    process.stderr.write(`pgcockpit: no node named "${options.node}" in the config\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  let dir: string;
  try {
    dir = catalogDir(config);
    if (!config.archive?.dir) throw new Error("the config names no archive directory: set archive.dir (and archive.host when it is on a node's host); pgcockpit archive setup makes one");
  } catch (error) {
    process.stderr.write(`pgcockpit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const runners = createNodeRunners(config, { readOnly: true });
  try {
    const listing = await listBaseBackups(runners.forNode(backupsRunnerName(config)), dir, config.cluster);
    for (const problem of listing.problems) process.stderr.write(`pgcockpit: ${problem}\n`);
    const archiveNode = await archiveNodeOf(config, options.node, listing.entries);
    const windows = await readRecoverableWindows(config, archiveNode, runners, listing.entries);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(windows, null, 2)}\n`);
    } else if (windows.length === 0) {
      process.stdout.write(`no complete base backup in the catalog of ${config.cluster}: pgcockpit basebackup --node NODE takes one\n`);
    } else {
      const header = `recoverable windows of ${config.cluster}, archive ${config.archive!.dir} (from a backup's end to the last archived commit)`;
      process.stdout.write(`${maskSecrets([header, ...windows.map(formatWindowLine)].join('\n'))}\n`);
    }
    process.exitCode = EXIT_OK;
  } finally {
    await runners.close();
  }
}

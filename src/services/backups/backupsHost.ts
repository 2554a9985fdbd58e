import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { JUMP_HOST } from '../runner/nodeRunners.js';

/**
 * The runner whose host holds the backups dir and runs pg_dump, pg_restore
 * and the catalog's file work: backups.host's node (as its OS user, over ssh
 * when it has ssh), else the jump host as the DBA.
 */
export function backupsRunnerName(config: Pick<CockpitConfig, 'backups'>): string {
  return config.backups?.host ?? JUMP_HOST;
}

/** backups.host's node, when the config names one. */
export function backupsHostNode(config: Pick<CockpitConfig, 'backups' | 'nodes'>): NodeConfig | undefined {
  const host = config.backups?.host;
  return host === undefined ? undefined : config.nodes.find((node) => node.name === host);
}

/** Where the dumps are and their tools run, as a plan says it: "this machine", "db2's host as postgres". */
export function backupsHostLabel(config: Pick<CockpitConfig, 'backups' | 'nodes'>): string {
  const node = backupsHostNode(config);
  return node ? `${node.name}'s host as ${node.osUser}` : 'this machine';
}

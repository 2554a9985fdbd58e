import type { CockpitConfig, NodeConfig } from './schema.js';

/**
 * What `pgcockpit config check` prints once a file is valid: enough to see
 * at a glance that it describes the intended cluster, one node per line.
 */
export function describeConfig(config: CockpitConfig, file: string): string {
  const count = config.nodes.length;
  const lines = [`${file}: cluster "${config.cluster}", ${count} ${count === 1 ? 'node' : 'nodes'}:`];
  for (const node of config.nodes) {
    lines.push(`  ${node.name} ${node.host}:${node.port} (${reach(node)})${node.serverLog === undefined ? '' : `, server log ${node.serverLog}`}`);
  }
  if (config.archive !== undefined) {
    lines.push(`  WAL archive: ${config.archive.dir}${config.archive.host === undefined ? '' : ` on ${config.archive.host}`}`);
  }
  if (config.backups !== undefined) lines.push(`  base backups: ${config.backups.dir}`);
  return lines.join('\n');
}

/** How pgcockpit gets at the node's server: on this machine, or over ssh to which host. */
function reach(node: NodeConfig): string {
  if (node.ssh === undefined) return 'local';
  const user = node.ssh.user === undefined ? '' : `${node.ssh.user}@`;
  const port = node.ssh.port === undefined ? '' : ` port ${node.ssh.port}`;
  return `ssh ${user}${node.ssh.host}${port}`;
}

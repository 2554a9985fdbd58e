import type { NodeConfig } from '../config/schema.js';

/** "as postgres on this machine", "as postgres on db1 (ssh)": where a printed service command must be run by hand. */
export function whereCommandRuns(node: Pick<NodeConfig, 'osUser' | 'ssh'>): string {
  return `as ${node.osUser} on ${node.ssh ? `${node.ssh.host} (its host)` : 'this machine'}`;
}

import type { ClusterView } from '../../cluster/clusterView.js';
import type { NodeConfig } from '../../config/schema.js';
import type { HostServerState } from './failoverFacts.js';

/**
 * Why a node that does not let pgcockpit log in must be taken as alive. Any
 * one of these means its server runs and may accept writes from its own
 * clients: promoting another node beside it splits the brain.
 * - its server answered the login with an error (password failed, too many
 *   connections, no pg_hba.conf entry, starting up)
 * - something accepts TCP connections on its address (a hung or overloaded
 *   server that times out the login is still there)
 * - its host says its server runs (service status)
 * - a standby's WAL receiver still streams from it, unless its host (asked
 *   after the view was read, about a data directory proven its own) says no
 *   server runs there: then the receiver has not noticed the end yet
 *   (staleFollowers names them)
 */
export function aliveEvidence(
  node: NodeConfig,
  view: ClusterView,
  host: HostServerState | undefined,
  tcpOpen: boolean | undefined,
  hostTrusted = true,
): string[] {
  const snapshot = view.nodes.find((candidate) => candidate.name === node.name);
  const evidence: string[] = [];
  if (snapshot?.serverAnswered) evidence.push(`its server answered pgcockpit's login with "${snapshot.downReason ?? 'an error'}"`);
  else if (tcpOpen) evidence.push(`it accepts TCP connections on ${node.host}:${node.port} but does not complete a login (${snapshot?.downReason ?? 'no answer'})`);
  if (host?.state === 'running') evidence.push(`its host says its server runs (${host.detail})`);
  const followers = host?.state === 'stopped' && hostTrusted ? [] : streamingFollowers(node, view);
  if (followers.length > 0) evidence.push(`${followers.join(', ')} still stream${followers.length === 1 ? 's' : ''} WAL from it`);
  return evidence;
}

/** The standbys whose WAL receiver streamed from `node` when the view was read. */
export function streamingFollowers(node: Pick<NodeConfig, 'name'>, view: ClusterView): string[] {
  return view.links.filter((link) => link.upstream === node.name && link.receiverStreaming).map((link) => link.standby);
}

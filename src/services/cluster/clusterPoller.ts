import type pg from 'pg';
import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { connectNode } from '../postgres/connectNode.js';
import { describeConnectError } from './describeConnectError.js';
import type { NodeSnapshot } from './nodeSnapshot.js';
import { probeNode } from './probeNode.js';

export interface ClusterPollerOptions {
  config: CockpitConfig;
  intervalMs: number;
  /** Called once per tick with every node's snapshot: one store update, one render. */
  onTick: (snapshots: NodeSnapshot[]) => void;
}

/**
 * Polls every node concurrently, keeping one connection per node and
 * reconnecting on the next tick after a failure. The first tick runs at once;
 * a tick still in flight when the timer fires is not overlapped. Returns stop().
 */
export function startClusterPoller(options: ClusterPollerOptions): () => Promise<void> {
  const clients = new Map<string, pg.Client>();
  let stopped = false;
  let inFlight = false;

  const pollNode = async (node: NodeConfig): Promise<NodeSnapshot> => {
    try {
      let client = clients.get(node.name);
      if (!client) {
        client = await connectNode(node, options.config, { connectTimeoutMs: Math.max(1000, options.intervalMs * 2) });
        client.on('error', () => dropClient(node.name));
        clients.set(node.name, client);
      }
      return await probeNode(client, node);
    } catch (error) {
      dropClient(node.name);
      return { name: node.name, host: node.host, port: node.port, status: 'down', role: 'unknown', downReason: describeConnectError(error), polledAt: Date.now() };
    }
  };

  const dropClient = (name: string) => {
    const client = clients.get(name);
    clients.delete(name);
    client?.end().catch(() => undefined);
  };

  const tick = async () => {
    if (inFlight || stopped) return;
    inFlight = true;
    try {
      const snapshots = await Promise.all(options.config.nodes.map(pollNode));
      if (!stopped) options.onTick(snapshots);
    } finally {
      inFlight = false;
    }
  };

  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await Promise.all([...clients.keys()].map(async (name) => dropClient(name)));
  };
}

// Round trips per node per tick, and tick latency, against a real 3-node sandbox.
import pg from 'pg';
import { NodeConnection } from '../dist/services/cluster/nodeConnection.js';
import { startClusterPoller } from '../dist/services/cluster/clusterPoller.js';
import { percentile, report } from './support.mjs';

export async function benchPolling(cluster) {
  const { config } = cluster;
  // Round trips: count every query the poller's clients send, after the first tick (which also connects).
  let queries = 0;
  const originalQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(...args) {
    queries += 1;
    return originalQuery.apply(this, args);
  };
  let ticks = 0;
  let queriesAfterFirstTick = 0;
  await new Promise((resolve) => {
    const poller = startClusterPoller({
      config,
      intervalMs: 100,
      onTick: () => {
        ticks += 1;
        if (ticks === 1) queriesAfterFirstTick = queries;
        if (ticks === 31) void poller.stop().then(resolve);
      },
    });
  });
  pg.Client.prototype.query = originalQuery;
  report('round trips per node per tick', ((queries - queriesAfterFirstTick) / (30 * config.nodes.length)).toFixed(2), 'queries', 'target 1');

  // Tick latency: every node polled concurrently over persistent connections.
  const connections = config.nodes.map((node) => new NodeConnection(node, config, { connectTimeoutMs: 5000, statementTimeoutMs: 5000 }));
  await Promise.all(connections.map((c) => c.poll()));
  const latencies = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await Promise.all(connections.map((c) => c.poll()));
    latencies.push(performance.now() - started);
  }
  await Promise.all(connections.map((c) => c.close()));
  report('tick latency p50 (3 nodes)', percentile(latencies, 50).toFixed(2), 'ms');
  report('tick latency p95 (3 nodes)', percentile(latencies, 95).toFixed(2), 'ms');
}

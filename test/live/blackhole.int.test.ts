import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { startLiveView } from '../support/liveView.js';

/** A "server" on loopback that accepts connections and never says a word: a blackholed host. */
function startBlackhole(): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      });
    });
  });
}

describe('a blackholed node', () => {
  let cluster: TestCluster;
  let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
  beforeAll(async () => {
    cluster = await startTestCluster(2);
    blackhole = await startBlackhole();
  });
  afterAll(async () => {
    blackhole?.close();
    await cluster?.destroy();
  });

  it('never delays the other panes, and shows DOWN (timeout) once its connect times out', async () => {
    const config = configSchema.parse({
      ...cluster.config,
      nodes: [...cluster.config.nodes, { name: 'silent', host: '127.0.0.1', port: blackhole.port, dataDir: '/nonexistent' }],
    });
    const live = startLiveView(config, { intervalMs: 500 });
    try {
      await live.until((state) => state.nodes.filter((node) => node.status === 'up').length === 2, 'pg1 and pg2 up');
      // While "silent" hangs in its connect, every tick still brings fresh numbers for the others.
      const stamps: number[] = [];
      const ticks = live.ticks();
      await live.until(() => {
        stamps.push(live.state().lastPolledAt['pg1'] ?? 0);
        return live.ticks() >= ticks + 3;
      }, 'three ticks');
      expect(new Set(stamps).size).toBeGreaterThanOrEqual(3);
      expect(live.node('pg1')?.stale).toBeFalsy();
      expect(live.node('silent')?.status).not.toBe('up');
      await live.until(() => live.node('silent')?.status === 'down', 'silent DOWN', 15_000);
      expect(live.node('silent')?.downReason).toMatch(/timeout/);
      expect(live.node('pg2')?.status).toBe('up');
    } finally {
      await live.stop();
    }
  });
});

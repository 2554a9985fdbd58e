import type { CockpitConfig } from '../config/schema.js';
import { NodeConnection } from './nodeConnection.js';
import type { NodeSnapshot } from './nodeSnapshot.js';

export interface ClusterPollerOptions {
  config: CockpitConfig;
  intervalMs: number;
  /**
   * Called once per tick with every node's latest snapshot (one store update,
   * one render). A node whose poll is still running is passed with its
   * previous snapshot marked stale: a slow node never holds the others back.
   */
  onTick: (snapshots: NodeSnapshot[], at: number) => void;
  now?: () => number;
}

export interface ClusterPoller {
  setIntervalMs(ms: number): void;
  pause(): void;
  resume(): void;
  /** Polls at once (unless a tick is running), then keeps the rhythm. */
  refreshNow(): void;
  stop(): Promise<void>;
}

interface NodeSlot {
  connection: NodeConnection;
  latest: NodeSnapshot;
  inFlight: Promise<void> | undefined;
}

/**
 * Polls every node concurrently, each over its own persistent connection.
 * Ticks never overlap; the first runs at once. A tick waits for the nodes'
 * answers at most until its deadline (a share of the interval), then reports.
 */
export function startClusterPoller(options: ClusterPollerOptions): ClusterPoller {
  const now = options.now ?? Date.now;
  let intervalMs = options.intervalMs;
  let paused = false;
  let stopped = false;
  let ticking = false;
  let timer: NodeJS.Timeout | undefined;

  const slots: NodeSlot[] = options.config.nodes.map((node) => ({
    connection: new NodeConnection(node, options.config, {
      connectTimeoutMs: Math.min(5000, Math.max(1000, intervalMs * 2)),
      statementTimeoutMs: 5000,
    }),
    latest: { name: node.name, host: node.host, port: node.port, status: 'unknown', role: 'unknown' },
    inFlight: undefined,
  }));

  const startPoll = (slot: NodeSlot) => {
    if (slot.inFlight || !slot.connection.ready()) return;
    slot.inFlight = slot.connection.poll().then((snapshot) => {
      slot.latest = snapshot;
      slot.inFlight = undefined;
    });
  };

  const tick = async () => {
    if (ticking || stopped) return;
    ticking = true;
    try {
      for (const slot of slots) startPoll(slot);
      const pending = slots.flatMap((slot) => (slot.inFlight ? [slot.inFlight] : []));
      const deadline = Math.max(250, intervalMs * 0.8);
      await Promise.race([Promise.all(pending), sleep(deadline)]);
      if (stopped) return;
      options.onTick(
        slots.map((slot) => (slot.inFlight && slot.latest.status === 'up' ? { ...slot.latest, stale: true } : slot.latest)),
        now(),
      );
    } finally {
      ticking = false;
    }
  };

  const schedule = () => {
    clearInterval(timer);
    timer = paused || stopped ? undefined : setInterval(() => void tick(), intervalMs);
  };

  void tick();
  schedule();
  return {
    setIntervalMs: (ms) => {
      intervalMs = ms;
      schedule();
    },
    pause: () => {
      paused = true;
      schedule();
    },
    resume: () => {
      paused = false;
      void tick();
      schedule();
    },
    refreshNow: () => {
      void tick();
      schedule();
    },
    stop: async () => {
      stopped = true;
      schedule();
      await Promise.all(slots.map((slot) => slot.connection.close()));
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

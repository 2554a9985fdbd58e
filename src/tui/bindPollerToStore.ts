import { buildClusterView } from '../services/cluster/buildClusterView.js';
import { clusterEvents } from '../services/cluster/clusterEvents.js';
import { startClusterPoller } from '../services/cluster/clusterPoller.js';
import type { ClusterView } from '../services/cluster/clusterView.js';
import { walFullForecasts } from '../services/cluster/walFullForecasts.js';
import type { CockpitConfig } from '../services/config/schema.js';
import { freeBytes } from '../services/os/freeSpace.js';
import type { CockpitStore } from '../state/createCockpitStore.js';

/** How often free disk space under each local data directory is read. */
const FREE_SPACE_INTERVAL_MS = 30_000;

/**
 * Runs the poller for the store: each tick becomes one ClusterView and one
 * set(); the store's pause, interval and refresh-now requests steer the
 * poller. Returns the function that stops it all.
 */
export function bindPollerToStore(store: CockpitStore, config: CockpitConfig): () => Promise<void> {
  // Free space is known only for nodes on this machine; remote ones need the runner (ssh).
  const freeSpace = new Map<string, number>();
  const readFreeSpace = async () => {
    for (const node of config.nodes) {
      if (node.ssh || !node.dataDir) continue;
      const bytes = await freeBytes(node.dataDir);
      if (bytes !== null) freeSpace.set(node.name, bytes);
    }
  };
  void readFreeSpace();
  const freeSpaceTimer = setInterval(() => void readFreeSpace(), FREE_SPACE_INTERVAL_MS);

  const poller = startClusterPoller({
    config,
    intervalMs: store.getState().refreshIntervalMs,
    onTick: (snapshots, at) => applyTick(store, buildClusterView(snapshots, config.thresholds, at, walFullForecasts(store.getState().history, freeSpace))),
  });
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.paused !== previous.paused) {
      if (state.paused) poller.pause();
      else poller.resume();
    }
    if (state.refreshIntervalMs !== previous.refreshIntervalMs) poller.setIntervalMs(state.refreshIntervalMs);
    if (state.refreshRequests !== previous.refreshRequests) poller.refreshNow();
  });
  return async () => {
    unsubscribe();
    clearInterval(freeSpaceTimer);
    await poller.stop();
  };
}

/** One tick into the store: the view and the log lines saying what changed since the last one, in one set() (one render). */
export function applyTick(store: CockpitStore, view: ClusterView): void {
  const state = store.getState();
  const at = Date.now();
  state.applyView(view, clusterEvents(state, view).map((text) => ({ at, text, stream: 'info' as const })));
}

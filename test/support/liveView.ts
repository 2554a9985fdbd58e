import type { CockpitConfig, Thresholds } from '../../src/services/config/schema.js';
import type { CockpitState } from '../../src/state/createCockpitStore.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindPollerToStore } from '../../src/tui/bindPollerToStore.js';
import { waitFor } from './waitFor.js';

/** The cockpit's live view without a screen: the real poller writing into a real store. */
export function startLiveView(config: CockpitConfig, options: { intervalMs?: number; thresholds?: Partial<Thresholds> } = {}) {
  const liveConfig: CockpitConfig = { ...config, thresholds: { ...config.thresholds, ...options.thresholds } };
  const store = createCockpitStore(liveConfig, options.intervalMs ?? 500);
  let ticks = 0;
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.lastTickAt !== previous.lastTickAt) ticks += 1;
  });
  const stop = bindPollerToStore(store, liveConfig);
  return {
    store,
    state: () => store.getState(),
    ticks: () => ticks,
    node: (name: string) => store.getState().nodes.find((node) => node.name === name),
    link: (standby: string) => store.getState().links.find((link) => link.standby === standby),
    alert: (code: string, node?: string) => store.getState().alerts.find((alert) => alert.code === code && (node === undefined || alert.node === node)),
    /** Waits until the live state satisfies `check`, naming `what` on timeout. */
    until: (check: (state: CockpitState) => boolean, what: string, timeoutMs = 20_000) => waitFor(() => check(store.getState()), what, timeoutMs, 50),
    stop: async () => {
      unsubscribe();
      await stop();
    },
  };
}

import { createStore } from 'zustand/vanilla';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { unpolledSnapshot } from '../services/cluster/nodeSnapshot.js';
import type { CockpitConfig } from '../services/config/schema.js';

export interface LogLine {
  at: number;
  text: string;
  stream: 'stdout' | 'stderr' | 'info';
}

export interface CockpitState {
  // cluster
  clusterName: string;
  nodes: NodeSnapshot[];
  lastTickAt?: number;
  refreshIntervalMs: number;
  // log
  log: LogLine[];
  // ui
  selectedNode: number;

  applyTick(snapshots: NodeSnapshot[], at?: number): void;
  appendLog(text: string, stream?: LogLine['stream']): void;
  selectNode(index: number): void;
}

/** The log keeps this many lines; older ones fall off the front. */
export const LOG_CAPACITY = 10_000;

export type CockpitStore = ReturnType<typeof createCockpitStore>;

/** One store per cockpit (and per test): services write, views select. */
export function createCockpitStore(config: CockpitConfig, refreshIntervalMs = 1000) {
  return createStore<CockpitState>()((set) => ({
    clusterName: config.cluster,
    nodes: config.nodes.map(unpolledSnapshot),
    refreshIntervalMs,
    log: [],
    selectedNode: 0,

    applyTick: (snapshots, at = Date.now()) => set({ nodes: snapshots, lastTickAt: at }),
    appendLog: (text, stream = 'info') =>
      set((state) => {
        const log = state.log.length >= LOG_CAPACITY ? state.log.slice(state.log.length - LOG_CAPACITY + 1) : state.log.slice();
        log.push({ at: Date.now(), text, stream });
        return { log };
      }),
    selectNode: (index) =>
      set((state) => ({ selectedNode: Math.max(0, Math.min(state.nodes.length - 1, index)) })),
  }));
}

import type { StateCreator } from 'zustand/vanilla';
import type { Alert, ClusterView, StandbyLink } from '../../services/cluster/clusterView.js';
import type { LastSeenSlots } from '../../services/cluster/lastSeenSlots.js';
import { rememberSlots } from '../../services/cluster/lastSeenSlots.js';
import type { NodeSnapshot } from '../../services/cluster/nodeSnapshot.js';
import { unpolledSnapshot } from '../../services/cluster/nodeSnapshot.js';
import type { CockpitConfig } from '../../services/config/schema.js';
import type { LogLine } from '../../services/runner/logLine.js';
import { clamp } from '../clamp.js';
import type { CockpitState } from '../createCockpitStore.js';
import { needingRebuildAfterLook } from '../needsRebuild.js';
import type { NodeSample } from '../nodeHistory.js';
import { appendSamples } from '../nodeHistory.js';
import { keptSnapshots } from '../keptSnapshots.js';
import { keepIfSame } from '../sameData.js';
import { linesAppended } from './log.js';

export const MIN_INTERVAL_MS = 500;
export const MAX_INTERVAL_MS = 10_000;
/** The steps +/- walk through. */
export const INTERVAL_STEPS_MS = [500, 1000, 2000, 5000, 10_000] as const;

/** The cluster as the poller last saw it, what the cockpit remembers of it, and how it is polled. */
export interface ClusterState {
  clusterName: string;
  /**
   * Written once per tick by the poller (applyView), like links, alerts and lastTickAt; a node whose
   * facts did not change keeps its object, and links, alerts and needsRebuild their arrays, when equal.
   */
  nodes: NodeSnapshot[];
  links: StandbyLink[];
  alerts: Alert[];
  lastTickAt?: number;
  /**
   * When each node was last polled (its answer or its failure), by name: a kept snapshot's own
   * polledAt stays at the first poll that saw its facts, so this says that a quiet node still answers
   * every tick. No view reads it (it changes every tick).
   */
  lastPolledAt: Record<string, number>;
  /** Last 10 minutes of lag and retention per node, for sparklines and forecasts. */
  history: Record<string, NodeSample[]>;
  /** Each node's replication slots as last seen while it answered: a failover lists those the dead primary held. */
  lastSeenSlots: Record<string, LastSeenSlots>;
  /**
   * Nodes needing a rebuild: their panes say NEEDS REBUILD. Each look marks those it derives (a second
   * primary, a standby off the primary's history or without its WAL: NodeSnapshot.needsRebuild), an
   * operation's outcome marks (a failover's old primary) and clears (a rebuild) them; a mark outlives
   * the look while the node is down, and goes when the node is seen streaming on the primary's timeline.
   */
  needsRebuild: readonly string[];
  /** pgcockpit --read-only: commands that change anything are refused (by the runners); the header says so. */
  readOnly: boolean;
  // Poll control: the views change these, the poller follows.
  refreshIntervalMs: number;
  paused: boolean;
  /** Bumped by "refresh now"; the poller ticks when it changes. */
  refreshRequests: number;
}

export interface ClusterActions {
  /** One poll result, with the log lines saying what changed since the last one (one set(): one render per tick). */
  applyView(view: ClusterView, events?: readonly LogLine[]): void;
  togglePause(): void;
  /** One step faster (-1) or slower (+1) through INTERVAL_STEPS_MS. */
  stepInterval(direction: -1 | 1): void;
  requestRefresh(): void;
}

export type ClusterSlice = ClusterState & ClusterActions;

export interface ClusterSliceOptions {
  refreshIntervalMs: number;
  readOnly: boolean;
}

/** Before the first tick: every configured node, not polled yet. */
export function initialClusterState(config: Pick<CockpitConfig, 'cluster' | 'nodes'>, options: ClusterSliceOptions): ClusterState {
  return {
    clusterName: config.cluster,
    nodes: config.nodes.map(unpolledSnapshot),
    links: [],
    alerts: [],
    lastPolledAt: {},
    history: {},
    lastSeenSlots: {},
    needsRebuild: [],
    readOnly: options.readOnly,
    refreshIntervalMs: options.refreshIntervalMs,
    paused: false,
    refreshRequests: 0,
  };
}

export function createClusterSlice(
  config: Pick<CockpitConfig, 'cluster' | 'nodes'>,
  options: ClusterSliceOptions,
): StateCreator<CockpitState, [], [], ClusterSlice> {
  return (set) => ({
    ...initialClusterState(config, options),
    // One poll result is one set(): one render per tick, its log lines (the log slice's) included.
    // What did not change keeps its reference (keptSnapshots, keepIfSame): a quiet tick re-renders no view.
    applyView: (view, events = []) =>
      set((state) => ({
        ...(events.length > 0 ? linesAppended(state, events) : {}),
        nodes: keptSnapshots(state.nodes, view.nodes),
        links: keepIfSame(state.links, view.links),
        alerts: keepIfSame(state.alerts, view.alerts),
        lastTickAt: view.at,
        lastPolledAt: { ...state.lastPolledAt, ...Object.fromEntries(view.nodes.flatMap((node) => (node.polledAt === undefined ? [] : [[node.name, node.polledAt]]))) },
        history: appendSamples(state.history, view),
        lastSeenSlots: rememberSlots(state.lastSeenSlots, view),
        // Same tick, same set(): derived marks come in, and a rebuilt node loses its mark as soon as it is seen streaming on the current timeline.
        needsRebuild: keepIfSame(state.needsRebuild, needingRebuildAfterLook(state.needsRebuild, view)),
      })),
    togglePause: () => set((state) => ({ paused: !state.paused })),
    stepInterval: (direction) =>
      set((state) => {
        const steps: readonly number[] = INTERVAL_STEPS_MS;
        const current = steps.findIndex((step) => step >= state.refreshIntervalMs);
        const index = clamp((current === -1 ? steps.length - 1 : current) + direction, 0, steps.length - 1);
        return { refreshIntervalMs: steps[index] ?? state.refreshIntervalMs };
      }),
    requestRefresh: () => set((state) => ({ refreshRequests: state.refreshRequests + 1 })),
  });
}

import type { ClusterView } from '../services/cluster/clusterView.js';
import type { NodeSample } from '../services/cluster/nodeSample.js';

export type { NodeSample };

/** How far back the history reaches. */
export const HISTORY_WINDOW_MS = 10 * 60 * 1000;

/** The history with this tick's samples added and anything older than the window dropped. */
export function appendSamples(history: Record<string, NodeSample[]>, view: ClusterView): Record<string, NodeSample[]> {
  const next: Record<string, NodeSample[]> = {};
  const cutoff = view.at - HISTORY_WINDOW_MS;
  for (const node of view.nodes) {
    const link = view.links.find((candidate) => candidate.standby === node.name);
    const slots = node.server?.slots ?? [];
    const sample: NodeSample = {
      at: view.at,
      lagBytes: link?.lagBytes ?? null,
      lagSeconds: link?.lagSeconds ?? null,
      slotRetainedBytes: node.status === 'up' ? slots.reduce((sum, slot) => sum + (slot.retainedBytes ?? 0), 0) : null,
    };
    const previous = history[node.name] ?? [];
    const firstKept = previous.findIndex((old) => old.at >= cutoff);
    next[node.name] = [...(firstKept === -1 ? [] : previous.slice(firstKept)), sample];
  }
  return next;
}

/**
 * A node's last `count` known replay lags in bytes, oldest first (ticks that
 * did not know it skipped): what its sparkline draws, read from the end so
 * a selector running on every store update does not walk ten minutes of samples.
 */
export function recentLagBytes(samples: readonly NodeSample[] | undefined, count: number): number[] {
  const recent: number[] = [];
  for (let index = (samples?.length ?? 0) - 1; index >= 0 && recent.length < count; index--) {
    const lagBytes = samples![index]!.lagBytes;
    if (lagBytes !== null) recent.push(lagBytes);
  }
  return recent.reverse();
}

import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import { sameData } from './sameData.js';

/**
 * This tick's snapshots, where each node whose facts did not change keeps
 * the store's previous object (and the whole array is the previous one when
 * no node changed). An idle cluster answers the same thing every second:
 * keeping the references lets the panes (memoised on their node) and every
 * selector see that, so a quiet tick renders nothing. `polledAt` alone does
 * not count as a change (it differs on every poll and no view shows it): a
 * kept snapshot's polledAt is the first poll that saw those facts. Anything
 * else that differs, a counter or a timestamp included, takes the new object.
 */
export function keptSnapshots(previous: readonly NodeSnapshot[], next: NodeSnapshot[]): NodeSnapshot[] {
  const byName = new Map(previous.map((node) => [node.name, node]));
  const kept = next.map((node) => {
    const old = byName.get(node.name);
    return old !== undefined && sameData({ ...old, polledAt: undefined }, { ...node, polledAt: undefined }) ? old : node;
  });
  if (kept.length === previous.length && kept.every((node, index) => node === previous[index])) return previous as NodeSnapshot[];
  return kept.every((node, index) => node === next[index]) ? next : kept;
}

import type { StandbyLink } from '../services/cluster/clusterView.js';
import type { NodeSnapshot } from '../services/cluster/nodeSnapshot.js';
import type { CockpitState } from '../state/createCockpitStore.js';
import { isCompact, paneInnerWidth } from './screenLayout.js';
import { wrapText } from './wrapText.js';

/** A pane's border: a row above and a row below its lines. */
export const PANE_BORDER_ROWS = 2;

/**
 * How many rows a node's pane needs to show every line, border included:
 * the lines NodePane draws, counted the same way (a test renders panes and
 * compares). The layout gives each row of panes what its tallest needs, so a
 * primary with many standbys or slots grows and the log gets what is left.
 * `innerWidth`: the pane's text width, for the one line that wraps (why a
 * node is down).
 */
export function paneRowsWanted(node: NodeSnapshot, link: StandbyLink | undefined, options: { compact: boolean; needsRebuild: boolean; innerWidth: number }): number {
  // Name and badge, the rebuild mark, the address.
  const head = 1 + (options.needsRebuild ? 1 : 0) + 1;
  return PANE_BORDER_ROWS + head + bodyRows(node, link, options);
}

function bodyRows(node: NodeSnapshot, link: StandbyLink | undefined, { compact, innerWidth }: { compact: boolean; innerWidth: number }): number {
  if (node.status === 'down') {
    const reason = `${node.serverAnswered ? 'up, refuses login' : 'down'}: ${node.downReason ?? 'no answer'}`;
    return wrapText(reason, innerWidth).length + 1;
  }
  const server = node.server;
  if (node.status === 'unknown' || !server) return 1;
  let rows = 0;
  if (node.role === 'primary') rows += 1 + Math.max(1, server.replicas.length);
  if (node.role === 'standby') {
    const paused = link?.replayPaused ?? server.replayPaused ?? false;
    rows += 1 + (server.timelineLastSeen ? 1 : 0) + 1 + (paused ? 1 : 0) + (compact ? 0 : 1) + server.replicas.length;
  }
  rows += server.archiver.enabled ? 2 : 1;
  if (node.role === 'primary' || server.slots.length > 0) rows += server.slots.length === 0 || compact ? 1 : server.slots.length;
  return rows;
}

/** paneRowsWanted for every node of the store, at `columns` wide: what mainLayout takes. */
export function panesRowsWanted(state: Pick<CockpitState, 'nodes' | 'links' | 'needsRebuild'>, columns: number): number[] {
  const compact = isCompact(columns);
  const innerWidth = paneInnerWidth(state.nodes.length, columns);
  return state.nodes.map((node) =>
    paneRowsWanted(node, state.links.find((link) => link.standby === node.name), { compact, needsRebuild: state.needsRebuild.includes(node.name), innerWidth }),
  );
}

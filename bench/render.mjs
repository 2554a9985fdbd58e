// Render time per frame: the real App, a real store, real snapshots with changing numbers.
import { collectClusterView } from '../dist/services/cluster/collectClusterView.js';
import { createCockpitStore } from '../dist/state/createCockpitStore.js';
import { mountCockpit } from './mountCockpit.mjs';
import { percentile, report, sleep } from './support.mjs';


export async function benchRender(cluster) {
  const view = await collectClusterView(cluster.config);
  const store = createCockpitStore(cluster.config, 1000);
  const renderTimes = [];
  const instance = mountCockpit(store, ({ renderTime }) => renderTimes.push(renderTime));
  for (let i = 0; i < 120; i++) {
    // Every number moves, as on a busy cluster: the worst case for memoised panes.
    const nodes = view.nodes.map((node) =>
      node.server ? { ...node, polledAt: Date.now(), server: { ...node.server, replicas: node.server.replicas.map((r) => ({ ...r, replayLagBytes: i * 8192 })) } } : node,
    );
    store.getState().applyView({ ...view, nodes, links: view.links.map((link) => ({ ...link, lagBytes: i * 8192, caughtUp: false })), at: Date.now() });
    await sleep(40); // Ink throttles to 30 fps: let each frame land
  }
  instance.unmount();
  report('render time per frame p50 (160x45, 3 nodes)', percentile(renderTimes, 50).toFixed(2), 'ms', `${renderTimes.length} frames`);
  report('render time per frame p95', percentile(renderTimes, 95).toFixed(2), 'ms');
}

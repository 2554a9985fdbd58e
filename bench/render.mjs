// Render time per frame: the real App, a real store, real snapshots with changing numbers.
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { createElement } from 'react';
import { collectClusterView } from '../dist/services/cluster/collectClusterView.js';
import { createCockpitStore } from '../dist/state/createCockpitStore.js';
import { CockpitStoreContext } from '../dist/state/storeContext.js';
import { App } from '../dist/views/App.js';
import { colorTheme } from '../dist/views/theme.js';
import { ThemeContext } from '../dist/views/ThemeContext.js';
import { percentile, report, sleep } from './support.mjs';

class BenchStdout extends EventEmitter {
  columns = 160;
  rows = 45;
  isTTY = true;
  bytes = 0;
  write(chunk) {
    this.bytes += chunk.length;
    return true;
  }
}

export async function benchRender(cluster) {
  const view = await collectClusterView(cluster.config);
  const store = createCockpitStore(cluster.config, 1000);
  const stdout = new BenchStdout();
  const stdin = Object.assign(new EventEmitter(), { isTTY: true, setRawMode() {}, setEncoding() {}, ref() {}, unref() {}, read: () => null });
  const renderTimes = [];
  const instance = render(
    createElement(CockpitStoreContext.Provider, { value: store }, createElement(ThemeContext.Provider, { value: colorTheme }, createElement(App))),
    { stdout, stdin, patchConsole: false, exitOnCtrlC: false, onRender: ({ renderTime }) => renderTimes.push(renderTime) },
  );
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

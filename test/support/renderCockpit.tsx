import { render } from 'ink-testing-library';
import { useEffect } from 'react';
import { stripVTControlCharacters } from 'node:util';
import { configSchema } from '../../src/services/config/schema.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import type { CockpitStore } from '../../src/state/createCockpitStore.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { CockpitStoreContext } from '../../src/state/storeContext.js';
import { App } from '../../src/views/App.js';
import type { Theme } from '../../src/views/theme.js';
import { colorTheme } from '../../src/views/theme.js';
import { ThemeContext } from '../../src/views/ThemeContext.js';

/** A three-node cluster description for view tests (nothing is contacted). */
export const threeNodeConfig: CockpitConfig = configSchema.parse({
  cluster: 'testcluster',
  nodes: ['pg1', 'pg2', 'pg3'].map((name, i) => ({ name, host: '127.0.0.1', port: 5432 + i, dataDir: `/srv/${name}` })),
});

/** Renders the whole cockpit around a fresh store, as runCockpit does but without a terminal or a poller. */
export function renderCockpit(options: { config?: CockpitConfig; theme?: Theme } = {}) {
  const store: CockpitStore = createCockpitStore(options.config ?? threeNodeConfig);
  const exit = { happened: false };
  const rendered = render(
    <CockpitStoreContext.Provider value={store}>
      <ThemeContext.Provider value={options.theme ?? colorTheme}>
        <App />
        <UnmountProbe onUnmount={() => (exit.happened = true)} />
      </ThemeContext.Provider>
    </CockpitStoreContext.Provider>,
  );
  /** The last frame without escape codes: what a person reads. */
  const plainFrame = () => stripVTControlCharacters(rendered.lastFrame() ?? '');
  return { store, exited: () => exit.happened, plainFrame, ...rendered };
}

/** Ink unmounts the whole tree when the app calls exit(); this notices. */
function UnmountProbe({ onUnmount }: { onUnmount: () => void }) {
  useEffect(() => onUnmount, []);
  return null;
}

/** Waits until the last frame satisfies `check` (Ink renders on the next turns of the event loop). */
export async function waitForFrame(lastFrame: () => string | undefined, check: (frame: string) => boolean, timeoutMs = 2000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`frame never matched; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

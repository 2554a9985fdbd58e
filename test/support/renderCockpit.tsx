import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink';
import { useEffect } from 'react';
import type { ClusterView } from '../../src/services/cluster/clusterView.js';
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

/** A config with `count` nodes pg1..pgN, for layouts with more panes than fit. */
export function nodesConfig(count: number): CockpitConfig {
  return configSchema.parse({
    cluster: 'testcluster',
    nodes: Array.from({ length: count }, (_, i) => ({ name: `pg${i + 1}`, host: '127.0.0.1', port: 5432 + i, dataDir: `/srv/pg${i + 1}` })),
  });
}

/**
 * A terminal of a chosen size that keeps what Ink writes. ink-testing-library's
 * stdout is always 100 columns with no rows, so the cockpit's layouts could
 * not be tested through it; this one also resizes like a real terminal.
 */
class TestStdout extends EventEmitter {
  readonly isTTY = false;
  readonly frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = (): string | undefined => this.frames.at(-1);
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** Keys typed by the test, delivered the way a raw-mode TTY delivers them. */
class TestStdin extends EventEmitter {
  readonly isTTY = true;
  private pending: string | null = null;
  write = (data: string) => {
    this.pending = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = () => {
    const data = this.pending;
    this.pending = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export interface RenderCockpitOptions {
  config?: CockpitConfig;
  theme?: Theme;
  /** Terminal size; 120×40 (the comfortable layout) unless given. */
  columns?: number;
  rows?: number;
  /** A first poll result, applied before the first frame. */
  view?: ClusterView;
}

const mounted: Array<{ unmount: () => void }> = [];

/** Renders the whole cockpit around a fresh store, as runCockpit does but without a terminal or a poller. */
export function renderCockpit(options: RenderCockpitOptions = {}) {
  const store: CockpitStore = createCockpitStore(options.config ?? threeNodeConfig);
  if (options.view) store.getState().applyView(options.view);
  const stdout = new TestStdout(options.columns ?? 120, options.rows ?? 40);
  const stdin = new TestStdin();
  const exit = { happened: false };
  const instance = render(
    <CockpitStoreContext.Provider value={store}>
      <ThemeContext.Provider value={options.theme ?? colorTheme}>
        <App />
        <UnmountProbe onUnmount={() => (exit.happened = true)} />
      </ThemeContext.Provider>
    </CockpitStoreContext.Provider>,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new TestStdout(120, 40) as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      // debug: every render writes the whole frame, so the last write is the screen.
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  mounted.push(instance);
  const lastFrame = stdout.lastFrame;
  /** The last frame without escape codes: what a person reads. */
  const plainFrame = () => stripVTControlCharacters(lastFrame() ?? '');
  /** Types keys, then lets Ink parse them and React commit (a lone Escape waits one more turn). */
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      stdin.write(key);
      await settle();
    }
  };
  return { store, stdin, stdout, lastFrame, plainFrame, press, exited: () => exit.happened, unmount: instance.unmount, resize: stdout.resize.bind(stdout) };
}

/** Unmounts every cockpit rendered so far (call from afterEach). */
export function cleanupCockpits(): void {
  for (const instance of mounted.splice(0)) instance.unmount();
}

/** A few turns of the event loop: enough for Ink's input parser (setImmediate) and React's commit. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** Ink unmounts the whole tree when the app calls exit(); this notices. */
function UnmountProbe({ onUnmount }: { onUnmount: () => void }) {
  useEffect(() => onUnmount, []);
  return null;
}

/** Waits until `read()` satisfies `check` (Ink renders on the next turns of the event loop). */
export async function waitForFrame(read: () => string | undefined, check: (frame: string) => boolean, timeoutMs = 2000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = read() ?? '';
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`frame never matched; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

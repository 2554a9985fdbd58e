import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterView } from '../../src/services/cluster/clusterView.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { CockpitStoreContext } from '../../src/state/storeContext.js';
import { startClockLine } from '../../src/tui/clockLine.js';
import { App } from '../../src/views/App.js';
import { ClockLineContext } from '../../src/views/clockLine.js';
import { clockTime } from '../../src/views/clockTime.js';
import { colorTheme } from '../../src/views/theme.js';
import { ThemeContext } from '../../src/views/ThemeContext.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { nodesConfig, threeNodeConfig, waitForFrame } from '../support/renderCockpit.js';
import { clusterView, downSnapshot, primarySnapshot, replicaLink, standbyLink, standbySnapshot, TICK_AT } from './fixtures.js';

// This file is about the frames Ink writes to a terminal, and Ink writes only the last one when it
// thinks it runs in CI (is-in-ci reads $CI once, when Ink is first imported): set before the imports.
const ciBefore = vi.hoisted(() => {
  const before = process.env.CI;
  process.env.CI = 'false';
  return before;
});
afterAll(() => {
  if (ciBefore === undefined) delete process.env.CI;
  else process.env.CI = ciBefore;
});

const COLUMNS = 160;
const ROWS = 45;
// Save the cursor, go to row 1 and a column, the time in the header's grey, restore the cursor.
const CLOCK_WRITE = /\x1b7\x1b\[1;(\d+)H(?:\x1b\[90m)?(\d\d:\d\d:\d\d|--:--:--)(?:\x1b\[39m)?\x1b8/;

/** A terminal that keeps everything written to it, as a TTY (Ink brackets its frames for synchronized output). */
class Terminal extends EventEmitter {
  readonly isTTY = true;
  readonly columns = COLUMNS;
  readonly rows = ROWS;
  readonly writes: string[] = [];
  write = (chunk: string) => {
    this.writes.push(chunk);
    return true;
  };
  /** The last whole frame Ink wrote, as read (a frame is the one write with line breaks). */
  lastFrame(): string {
    return stripVTControlCharacters([...this.writes].reverse().find((chunk) => chunk.includes('\n')) ?? '');
  }
}

class Keyboard extends EventEmitter {
  readonly isTTY = true;
  read = () => null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const unmounts: Array<() => void> = [];
afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount();
});

/**
 * The cockpit as runCockpit mounts it, with or without the clock line, counting the frames
 * Ink composes (its onRender runs once per composed frame, written or not).
 */
function mountCockpit({ withClockLine, config = threeNodeConfig }: { withClockLine: boolean; config?: CockpitConfig }) {
  const store = createCockpitStore(config);
  const terminal = new Terminal();
  const clock = withClockLine ? startClockLine(store, terminal as unknown as NodeJS.WriteStream, colorTheme.muted) : undefined;
  let composed = 0;
  const instance = render(
    <CockpitStoreContext.Provider value={store}>
      <ThemeContext.Provider value={colorTheme}>
        <ClockLineContext.Provider value={clock?.line ?? null}>
          <App />
        </ClockLineContext.Provider>
      </ThemeContext.Provider>
    </CockpitStoreContext.Provider>,
    {
      stdout: clock?.stream ?? (terminal as unknown as NodeJS.WriteStream),
      stdin: new Keyboard() as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
      onRender: () => composed++,
    },
  );
  unmounts.push(() => {
    instance.unmount();
    clock?.stop();
  });
  return { store, terminal, composed: () => composed };
}

const WALSENDERS = [replicaLink({ applicationName: 'pg2', pid: 4002 }), replicaLink({ applicationName: 'pg3', clientAddr: '127.0.0.2', pid: 4003 })];

/** pg1 primary with pg2 and pg3 streaming, caught up: what an idle cluster answers every second. */
function idleView(tick: number, changes: Partial<ClusterView> = {}): ClusterView {
  const at = TICK_AT + tick * 1000;
  return clusterView({
    at,
    nodes: [primarySnapshot('pg1', 5432, { replicas: WALSENDERS }, { polledAt: at }), standbySnapshot('pg2', 5433, {}, { polledAt: at }), standbySnapshot('pg3', 5434, {}, { polledAt: at })],
    links: [standbyLink(), standbyLink({ standby: 'pg3' })],
    ...changes,
  });
}

/** Until Ink has written a frame with `text`: it composes on later turns of the event loop, one write per 32 ms at most. */
function frameWith(terminal: Terminal, text: string): Promise<string> {
  return waitForFrame(() => terminal.lastFrame(), (frame) => frame.includes(text), 10_000);
}

/** Long enough for a frame that should not come to show up on a loaded machine. */
function quietSpell(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}

const FULL_SPARKLINE = '▁'.repeat(20);

/** Past start-up: the lag sparklines (20 bars at 160 columns) have filled, each tick until then changing them. */
async function pastStartUp({ store, terminal }: ReturnType<typeof mountCockpit>): Promise<number> {
  const ticks = 25;
  for (let tick = 0; tick < ticks; tick++) store.getState().applyView(idleView(tick));
  await frameWith(terminal, FULL_SPARKLINE);
  await quietSpell();
  return ticks;
}

describe('a quiet tick', () => {
  it('composes no frame: the clock line writes the time into the header, and nothing else is written', async () => {
    const cockpit = mountCockpit({ withClockLine: true });
    const { store, terminal, composed } = cockpit;
    let tick = await pastStartUp(cockpit);
    const frame = terminal.lastFrame();
    const framesBefore = composed();
    const writesBefore = terminal.writes.length;
    for (let quiet = 0; quiet < 3; quiet++) store.getState().applyView(idleView(tick++));
    await quietSpell();
    expect(composed()).toBe(framesBefore);
    // One write per tick, each the clock alone, at the header's clock columns, which the frame leaves blank.
    const written = terminal.writes.slice(writesBefore);
    expect(written).toHaveLength(3);
    const clockWrites = written.map((chunk) => CLOCK_WRITE.exec(chunk));
    expect(clockWrites.map((match) => match?.[2])).toEqual([3, 2, 1].map((back) => clockTime(TICK_AT + (tick - back) * 1000)));
    const column = Number(clockWrites[0]![1]) - 1;
    const header = frame.split('\n')[0]!;
    expect(header.slice(column - 1, column + 8 + ' · every 1 s'.length)).toBe(`${' '.repeat(9)} · every 1 s`);
    expect(header.trimEnd()).toHaveLength(COLUMNS - 1);
  });

  it('a frame Ink writes is followed by the clock, inside the same synchronized update, so its blank columns never show', async () => {
    const cockpit = mountCockpit({ withClockLine: true });
    const { store, terminal } = cockpit;
    const tick = await pastStartUp(cockpit);
    const writesBefore = terminal.writes.length;
    // pg2 falls behind: its pane changes, a frame is written, and the clock right after it, before the end of the synchronized update.
    store.getState().applyView(idleView(tick, { links: [standbyLink({ lagBytes: 12 * 1024 * 1024, lagSeconds: 3, caughtUp: false }), standbyLink({ standby: 'pg3' })] }));
    await frameWith(terminal, 'lag 12 MB');
    const written = terminal.writes.slice(writesBefore);
    const frameAt = written.findIndex((chunk) => chunk.includes('lag 12 MB'));
    expect(written[frameAt + 1]).toMatch(CLOCK_WRITE);
    expect(written[frameAt + 1]).toContain(clockTime(TICK_AT + tick * 1000));
    expect(written[frameAt + 2]).toBe('\x1b[?2026l');
  });

  it('without a clock line (no terminal of its own) the header draws the clock: one frame per tick', async () => {
    const cockpit = mountCockpit({ withClockLine: false });
    const { store, terminal, composed } = cockpit;
    const tick = await pastStartUp(cockpit);
    const framesBefore = composed();
    store.getState().applyView(idleView(tick));
    const frame = await frameWith(terminal, `${clockTime(TICK_AT + tick * 1000)} · every 1 s`);
    await quietSpell();
    expect(composed()).toBe(framesBefore + 1);
    expect(frame.split('\n')[0]).toMatch(/ · every 1 s$/);
  });

  it('what shows an age still moves with each tick: a down node says how long ago it was last seen', async () => {
    const { store, terminal, composed } = mountCockpit({ withClockLine: true });
    const down = (tick: number) => idleView(tick, { nodes: [...idleView(tick).nodes.slice(0, 2), downSnapshot('pg3', 5434, { lastSeenUpAt: TICK_AT - 60_000 })] });
    for (let tick = 0; tick < 25; tick++) store.getState().applyView(down(tick));
    await frameWith(terminal, 'last seen 1 min 24 s ago');
    await quietSpell();
    const framesBefore = composed();
    store.getState().applyView(down(25));
    await frameWith(terminal, 'last seen 1 min 25 s ago');
    await quietSpell();
    expect(composed()).toBe(framesBefore + 1);
  });

  it('a change on a node scrolled out of view composes no frame either; one on a pane shown does', async () => {
    const { store, terminal, composed } = mountCockpit({ withClockLine: true, config: nodesConfig(40) });
    // pg1 primary, pg2..pg40 standbys (no links: "lag unknown", no sparkline to fill).
    const view = (tick: number, replayLsnOf: (name: string) => string = () => '0/3000148') => {
      const at = TICK_AT + tick * 1000;
      const standbys = Array.from({ length: 39 }, (_, i) => `pg${i + 2}`).map((name, i) =>
        standbySnapshot(name, 5433 + i, { replayLsn: replayLsnOf(name) }, { polledAt: at }),
      );
      return clusterView({ at, nodes: [primarySnapshot('pg1', 5432, { replicas: WALSENDERS }, { polledAt: at }), ...standbys], links: [] });
    };
    store.getState().applyView(view(0));
    const frame = await frameWith(terminal, 'of 40');
    expect(frame).not.toContain('40 pg40');
    await quietSpell();
    const framesBefore = composed();
    store.getState().applyView(view(1, (name) => (name === 'pg40' ? '0/3000100' : '0/3000148')));
    await quietSpell();
    expect(composed()).toBe(framesBefore);
    store.getState().applyView(view(2, (name) => (name === 'pg2' ? '0/3000100' : '0/3000148')));
    await frameWith(terminal, 'replay 0/3000100');
    await quietSpell();
    expect(composed()).toBe(framesBefore + 1);
  });
});

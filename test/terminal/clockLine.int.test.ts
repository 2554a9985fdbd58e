import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { TmuxSession } from '../support/tmux.js';

const CLI = path.resolve('dist/cli.js');
/** The header's poll side, at the right end of its first line. */
const POLL_SIDE = /(\d\d:\d\d:\d\d) · every 1 s\s*$/;

/**
 * The header's clock is written by itself (src/tui/clockLine.tsx), into columns Ink's frames leave
 * blank: in a real terminal it must stand where the frame would have put it, move every tick
 * while nothing else is drawn, and survive every frame Ink writes over it.
 */
describe('the header clock in a real terminal (tmux)', () => {
  let cluster: TestCluster;
  let tmux: TmuxSession;
  beforeAll(async () => {
    cluster = await startTestCluster(2);
  });
  afterAll(async () => {
    await cluster?.destroy();
  });
  afterEach(async () => {
    await tmux?.kill();
  });

  const headerClock = async () => POLL_SIDE.exec((await tmux.screen()).split('\n')[0] ?? '')?.[1];

  it('ticks in its place, right before "· every 1 s", and is back after a frame Ink wrote (help open and closed)', async () => {
    tmux = new TmuxSession();
    await tmux.start(`node ${CLI} --config ${cluster.layout.configFile}`);
    await tmux.waitForScreen(/pg2\s+STANDBY/);
    const first = await headerClock();
    expect(first).toMatch(/^\d\d:\d\d:\d\d$/);
    await tmux.waitForScreen(new RegExp(`^(?! pgcockpit.*${first} · every)`), 5000);
    const later = await headerClock();
    expect(later).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(later).not.toBe(first);
    // The header line holds the clock once, and nothing of it anywhere else.
    expect((await tmux.screen()).split('\n')[0]!.match(/\d\d:\d\d:\d\d/g)).toHaveLength(1);
    await tmux.sendKeys('?');
    await tmux.waitForScreen(/Esc or \? closes/);
    expect(await headerClock()).toMatch(/^\d\d:\d\d:\d\d$/);
    await tmux.sendKeys('Escape');
    await tmux.waitForScreen(/pg2\s+STANDBY/);
    expect(await headerClock()).toMatch(/^\d\d:\d\d:\d\d$/);
    await tmux.sendKeys('q');
    expect(await tmux.waitForScreen(/EXIT=\d+/)).toContain('EXIT=0');
  });
});

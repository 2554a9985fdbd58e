import { afterEach, describe, expect, it } from 'vitest';
import { KEY_TABLE, WHEN_LABEL } from '../../src/state/keyTable.js';
import { REPLICATION_SETTINGS } from '../../src/views/SettingsList.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView, primarySnapshot, replicaLink, replicationSlot, SANDBOX_SETTINGS, standbySnapshot, downSnapshot } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

/** The cockpit on the sandbox's three nodes, first tick applied. */
function cockpit(options: Parameters<typeof renderCockpit>[0] = {}) {
  return renderCockpit({ view: clusterView(), ...options });
}

const read = (value: () => unknown) => () => String(value());

describe('node selection (nodes focused)', () => {
  it('moves with arrows and hjkl, wrapping around, and jumps with digits', async () => {
    const { store, press } = cockpit();
    const selected = read(() => store.getState().selectedNode);
    expect(selected()).toBe('0');
    await press('j');
    await waitForFrame(selected, (s) => s === '1');
    await press(KEY.right);
    await waitForFrame(selected, (s) => s === '2');
    await press('l'); // wraps around
    await waitForFrame(selected, (s) => s === '0');
    await press(KEY.up); // wraps backwards
    await waitForFrame(selected, (s) => s === '2');
    await press('k', KEY.left, 'h');
    await waitForFrame(selected, (s) => s === '2');
    await press(KEY.down);
    await waitForFrame(selected, (s) => s === '0');
    await press('3');
    await waitForFrame(selected, (s) => s === '2');
    await press('9'); // no ninth node: nothing happens
    await press('1');
    await waitForFrame(selected, (s) => s === '0');
  });

  it('marks the selected pane without colour: inverse name and a double border', async () => {
    const { press, lastFrame, plainFrame } = cockpit({ theme: noColorTheme });
    await press('2');
    const frame = await waitForFrame(lastFrame, (f) => /\x1b\[7m(\x1b\[1m)?2 pg2/.test(f));
    expect(frame).not.toMatch(/\x1b\[7m(\x1b\[1m)?1 pg1/);
    // Only pane 2 (the middle column of three) has the double border.
    const topBorder = plainFrame().split('\n')[2]!;
    expect(topBorder).toMatch(/^┌─+┐╔═+╗┌─+┐$/);
  });
});

describe('poll control (anywhere)', () => {
  it('Space pauses and resumes polling, and the header says PAUSED', async () => {
    const { store, press, plainFrame } = cockpit();
    await press(KEY.space);
    expect(store.getState().paused).toBe(true);
    expect((await waitForFrame(plainFrame, (f) => f.includes('PAUSED'))).split('\n')[0]).toContain('⏸ PAUSED');
    await press(KEY.space);
    expect(store.getState().paused).toBe(false);
    await waitForFrame(plainFrame, (f) => !f.includes('PAUSED'));
  });

  it('+ and - step the refresh interval, and the header follows', async () => {
    const { store, press, plainFrame } = cockpit();
    expect(store.getState().refreshIntervalMs).toBe(1000);
    await press('+');
    expect(store.getState().refreshIntervalMs).toBe(2000);
    await waitForFrame(plainFrame, (f) => f.includes('every 2 s'));
    await press('-', '-');
    expect(store.getState().refreshIntervalMs).toBe(500);
    await waitForFrame(plainFrame, (f) => f.includes('every 0.5 s'));
  });

  it('R asks for a poll now', async () => {
    const { store, press } = cockpit();
    await press('R');
    await press('R');
    expect(store.getState().refreshRequests).toBe(2);
  });

  it('poll keys work with an overlay open too', async () => {
    const { store, press } = cockpit();
    await press('?');
    await press(KEY.space, '+', 'R');
    expect(store.getState()).toMatchObject({ overlay: 'help', paused: true, refreshIntervalMs: 2000, refreshRequests: 1 });
  });
});

describe('focus', () => {
  it('Tab moves the focus to the log and back, and the log says when it has it', async () => {
    const { store, press, plainFrame } = cockpit();
    store.getState().appendLog('pg2: pg_basebackup finished');
    await press(KEY.tab);
    expect(store.getState().focus).toBe('log');
    const frame = await waitForFrame(plainFrame, (f) => f.includes('LOG · focused'));
    expect(frame).toContain('pg2: pg_basebackup finished');
    // Node keys belong to the node grid: with the log focused they do nothing.
    await press('j', KEY.enter);
    expect(store.getState()).toMatchObject({ selectedNode: 0, overlay: 'none' });
    await press(KEY.tab);
    expect(store.getState().focus).toBe('nodes');
    await waitForFrame(plainFrame, (f) => !f.includes('LOG · focused'));
  });
});

describe('node detail overlay', () => {
  const detailedPrimary = primarySnapshot('pg1', 5432, {
    replicas: ['pg2', 'pg3', 'pg4'].map((applicationName, i) => replicaLink({ applicationName, clientAddr: `10.0.0.${i + 2}` })),
    slots: [
      replicationSlot({ name: 'slot_pg2' }),
      replicationSlot({ name: 'slot_pg3', active: false, walStatus: 'extended', restartLsn: '0/1000000' }),
      replicationSlot({ name: 'slot_old', active: false, walStatus: 'lost', retainedBytes: null }),
    ],
  });

  it('Enter opens the selected node with every replica, every slot and the settings; Esc closes it', async () => {
    const { store, press, plainFrame } = cockpit({ view: clusterView({ nodes: [detailedPrimary, standbySnapshot(), downSnapshot()] }) });
    await press(KEY.enter);
    expect(store.getState().overlay).toBe('detail');
    const frame = await waitForFrame(plainFrame, (f) => f.includes('Settings'));
    expect(frame).toMatch(/1 pg1 · PRIMARY · detail/);
    for (const name of ['pg2', 'pg3', 'pg4']) expect(frame).toMatch(new RegExp(`${name}\\s+10\\.0\\.0\\.\\d\\s+streaming\\s+async`));
    expect(frame).toMatch(/slot_pg2\s+physical\s+active/);
    expect(frame).toMatch(/slot_pg3\s+physical\s+INACTIVE\s+16 MB\s+extended/);
    expect(frame).toMatch(/slot_old\s+physical\s+INACTIVE\s+none\s+lost/);
    for (const setting of REPLICATION_SETTINGS) expect(frame).toContain(setting);
    expect(frame).toMatch(/wal_level\s+replica/);
    expect(frame).toMatch(/max_wal_senders\s+10/);
    expect(frame).toMatch(/wal_log_hints\s+on/);
    expect(frame).toMatch(/archive_command[\s║]+test ! -f \/srv\/archive\/%f && cp %p \/srv\/archive\/%f/); // too long for its cell: whole, under its name
    // The overlay covers the grid and takes the node keys: j does not move the selection underneath.
    expect(frame).not.toContain('── log');
    await press('j');
    expect(store.getState().selectedNode).toBe(0);

    await press(KEY.escape);
    await waitForFrame(() => store.getState().overlay, (o) => o === 'none');
    await waitForFrame(plainFrame, (f) => f.includes('── log') && !f.includes('Settings'));
  });

  it('shows the node the selection is on, and a down node with its reason', async () => {
    const { press, plainFrame } = cockpit();
    await press('3', KEY.enter);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('detail'));
    expect(frame).toMatch(/3 pg3 · ✗ DOWN · detail/);
    expect(frame).toContain('down: connection refused (server not running?)');
  });

  it('shows a standby with its WAL receiver and settings', async () => {
    const { press, plainFrame } = cockpit();
    await press('2', KEY.enter);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('Settings'));
    expect(frame).toContain('WAL receiver streaming from 127.0.0.1:5432 · slot slot_pg2');
    expect(frame).toMatch(/data_checksums\s+off/);
    expect(SANDBOX_SETTINGS.data_checksums).toBe('off');
  });
});

describe('help overlay', () => {
  // Every binding, whole, at every size: help.test.tsx.
  it('? opens the key table (its first binding under where it works); ? or Esc closes it', async () => {
    const { store, press, plainFrame } = cockpit();
    await press('?');
    expect(store.getState().overlay).toBe('help');
    const frame = await waitForFrame(plainFrame, (f) => f.includes('Keys'));
    const first = KEY_TABLE[0]!;
    expect(frame).toContain(WHEN_LABEL[first.when]);
    expect(frame).toMatch(new RegExp(`${escape(first.keys.join(' '))}\\s+${escape(first.description)}`));
    await press('?');
    expect(store.getState().overlay).toBe('none');
    await press('?');
    await press(KEY.escape);
    await waitForFrame(() => store.getState().overlay, (o) => o === 'none');
  });

  it('claims keys first: with help open, Enter, Tab and the node keys do nothing', async () => {
    const { store, press } = cockpit();
    await press('?');
    await press(KEY.enter, KEY.tab, 'j', '2');
    expect(store.getState()).toMatchObject({ overlay: 'help', focus: 'nodes', selectedNode: 0 });
  });
});

describe('footer', () => {
  it('shows the hints for what works now, from the key table', async () => {
    const { press, plainFrame } = cockpit();
    const footer = () => plainFrame().split('\n').at(-1) ?? '';
    expect(footer()).toMatch(/Enter\s+detail/);
    expect(footer()).toMatch(/\?\s+help/);
    expect(footer()).toMatch(/q\s+quit/);
    expect(footer()).not.toContain('close');
    await press('?');
    await waitForFrame(footer, (f) => /Esc\s+close/.test(f));
    expect(footer()).not.toContain('detail');
  });
});

describe('quit', () => {
  it.each([
    ['q', 'q'],
    ['Ctrl-C', KEY.ctrlC],
  ])('%s quits', async (_name, key) => {
    const { press, exited } = cockpit();
    expect(exited()).toBe(false);
    await press(key);
    await waitForFrame(read(exited), (s) => s === 'true');
  });

  it('q quits with an overlay open', async () => {
    const { press, exited } = cockpit();
    await press('?', 'q');
    await waitForFrame(read(exited), (s) => s === 'true');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { describe, expect, it } from 'vitest';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { noColorTheme } from '../../src/views/theme.js';
import { renderCockpit, waitForFrame } from '../support/renderCockpit.js';

const snapshots: NodeSnapshot[] = [
  { name: 'pg1', host: '127.0.0.1', port: 5432, status: 'up', role: 'primary', serverVersion: '15.18' },
  { name: 'pg2', host: '127.0.0.1', port: 5433, status: 'up', role: 'standby', serverVersion: '15.18' },
  { name: 'pg3', host: '127.0.0.1', port: 5434, status: 'down', role: 'unknown', downReason: 'connection refused (server not running?)' },
];

// ANSI SGR sequences (colour, bold, inverse): what NO_COLOR must strip of colour.
const COLOUR_CODE = /\x1b\[(3[0-9]|9[0-7]|4[0-9]|10[0-7])(;[0-9]+)*m/;

describe('cockpit screen', () => {
  it('shows one pane per node with role, address and up/down, never by colour alone', async () => {
    const { store, plainFrame } = renderCockpit();
    store.getState().applyTick(snapshots);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('✗ DOWN'));
    expect(frame).toContain('pgcockpit · cluster testcluster · 2/3 up · 1 primary');
    expect(frame).toMatch(/1 pg1\s+PRIMARY/);
    expect(frame).toMatch(/2 pg2\s+STANDBY/);
    expect(frame).toMatch(/3 pg3\s+✗ DOWN/);
    expect(frame).toContain('127.0.0.1:5433  PostgreSQL 15.18');
    expect(frame).toContain('down: connection refused (server not running?)');
    expect(frame).toContain('up · accepts writes');
    expect(frame).toContain('up · read-only');
  });

  it('shows "connecting…" before the first poll lands', () => {
    const { plainFrame } = renderCockpit();
    expect(plainFrame()).toContain('connecting…');
  });

  it('flags two primaries in the header', async () => {
    const { store, plainFrame } = renderCockpit();
    store.getState().applyTick(snapshots.map((node) => ({ ...node, status: 'up', role: 'primary' })));
    expect(await waitForFrame(plainFrame, (f) => f.includes('3 primaries'))).toContain('3 primaries');
  });

  it('selects nodes with arrows, hjkl and digits', async () => {
    const { store, stdin } = renderCockpit();
    expect(store.getState().selectedNode).toBe(0);
    stdin.write('j');
    await waitForFrame(() => String(store.getState().selectedNode), (s) => s === '1');
    stdin.write('3');
    await waitForFrame(() => String(store.getState().selectedNode), (s) => s === '2');
    stdin.write('l'); // wraps around
    await waitForFrame(() => String(store.getState().selectedNode), (s) => s === '0');
    stdin.write('\x1b[A'); // up arrow wraps backwards
    await waitForFrame(() => String(store.getState().selectedNode), (s) => s === '2');
  });

  it('quits on q and on Ctrl-C', async () => {
    for (const key of ['q', '\x03']) {
      const { stdin, exited } = renderCockpit();
      expect(exited()).toBe(false);
      stdin.write(key);
      await waitForFrame(() => String(exited()), (s) => s === 'true');
    }
  });

  it('uses colour codes with the colour theme (so the no-colour check below means something)', async () => {
    const { store, lastFrame } = renderCockpit();
    store.getState().applyTick(snapshots);
    expect(await waitForFrame(lastFrame, (f) => f.includes('✗ DOWN'))).toMatch(COLOUR_CODE);
  });

  it('uses no colour codes with the no-colour theme, but keeps the words', async () => {
    const { store, lastFrame } = renderCockpit({ theme: noColorTheme });
    store.getState().applyTick(snapshots);
    const frame = await waitForFrame(lastFrame, (f) => f.includes('✗ DOWN'));
    expect(frame).not.toMatch(COLOUR_CODE);
    expect(frame).toContain('PRIMARY');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { RecoverableWindow } from '../../src/services/pitr/recoverableWindowTypes.js';
import { noColorTheme } from '../../src/views/theme.js';
import { windowTimelineLines } from '../../src/views/windowTimelineLines.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

const older: RecoverableWindow = {
  backupId: 'base-20261130T100000Z',
  timeline: 1,
  from: '2026-11-30T10:00:00+00:00',
  fromLsn: '0/5000100',
  to: '2026-11-30T12:00:00.123456+00:00',
  toLsn: '0/9000200',
  gaps: [{ segment: '00000001000000000000000A', atLsn: '0/A000000' }],
  restorePoints: [{ name: 'before_upgrade', at: '2026-11-30T11:00:00+00:00', lsn: '0/7000000' }],
};
const newer: RecoverableWindow = { ...older, backupId: 'base-20261130T130000Z', timeline: 2, from: '2026-11-30T13:00:00+00:00', fromLsn: '0/B000100', to: '2026-11-30T14:00:00+00:00', toLsn: '0/C000000', gaps: [], restorePoints: [] };

/** Issue 13: the recoverable windows in the picker, as a timeline. */
describe('the recoverable windows timeline', () => {
  it('puts every backup on one time axis: its end, the WAL it can replay, restore points, the gap that stops it', () => {
    expect(windowTimelineLines([older, newer], 100)[0]?.text).toMatch(/^\s+2026-11-30 10:00:00 UTC\s+2026-11-30 14:00:00 UTC$/);
    const lines = windowTimelineLines([older, newer], 60).map((line) => line.text);
    expect(lines[0]).toMatch(/^\s+11-30 10:00Z\s+11-30 14:00Z$/);
    const row = lines[1]!;
    expect(row.startsWith('base-20261130T100000Z  ●')).toBe(true);
    expect(row).toMatch(/●━+R━+✗$/);
    expect(lines[2]).toContain('from 2026-11-30T10:00:00+00:00 to 2026-11-30T12:00:00.123456+00:00');
    expect(lines[3]).toContain('timeline 1 · restore points: before_upgrade · gap at 00000001000000000000000A (0/A000000)');
    // The later backup starts three quarters along the axis and runs to its end.
    const newerRow = lines[4]!;
    const axisStart = 'base-20261130T130000Z  '.length;
    expect(newerRow.indexOf('●') - axisStart).toBe(Math.round(0.75 * (60 - axisStart - 2 - 1)));
    expect(newerRow).toMatch(/●━+$/);
    expect(lines.at(-1)).toContain('✗ gap: recovery stops before it');
  });

  it('says why a backup has no window, and what to do with none', () => {
    expect(windowTimelineLines([{ ...older, problem: 'the timeline forked before the backup' }], 60)[2]?.text).toContain('✗ the timeline forked before the backup');
    expect(windowTimelineLines([], 60)[0]?.text).toContain('pgcockpit basebackup');
  });

  it('w in the picker asks the glue for the windows, shows them, and Esc goes back to the list', async () => {
    const { store, press, plainFrame } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns: 120 });
    await press('B');
    store.getState().backupsLoaded([], []);
    await press('w');
    expect(store.getState().backupTask?.action).toBe('windows');
    await waitForFrame(plainFrame, (frame) => frame.includes('reading the archive and its newest WAL (pg_waldump)'));
    store.getState().backupWindowsLoaded([older, newer]);
    const frame = await waitForFrame(plainFrame, (text) => text.includes('restore points: before_upgrade'));
    expect(frame).toMatch(/base-20261130T100000Z\s+●━+R━+✗/);
    expect(frame).toContain('restore points: before_upgrade');
    await press(KEY.escape);
    await waitForFrame(plainFrame, (text) => text.includes('Backups (0)'));
    expect(store.getState().overlay).toBe('backups');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { receiver } from '../support/snapshots.js';
import { downSnapshot, primarySnapshot, replicaLink, replicationSlot, standbySnapshot, TICK_AT } from './fixtures.js';
import { paneColumn } from './paneText.js';

/**
 * Issue 8 in the panes: walsenders named after their paired standby (not
 * "walreceiver"), cascades drawn as such, a primary that refuses the login
 * shown as up, a timeline kept from the last receiver marked as last seen.
 */
afterEach(cleanupCockpits);

const PANE_WIDTH = 120 / 3;

async function panes(nodes: Parameters<typeof buildClusterView>[0]) {
  const view = buildClusterView(nodes, DEFAULT_THRESHOLDS, TICK_AT);
  const cockpit = renderCockpit({ view });
  const frame = await waitForFrame(cockpit.plainFrame, (f) => f.includes('pg3'));
  return { view, frame, pane: (column: number) => paneColumn(frame, column, PANE_WIDTH) };
}

describe('panes, issue 8', () => {
  it('draws a cascade: pg1 lists pg2, pg2 streams from pg1 and lists pg3, pg3 streams from pg2; no alert', async () => {
    const pg1 = primarySnapshot('pg1', 5432, {
      replicas: [replicaLink({ pid: 5102, applicationName: 'walreceiver' })],
      slots: [replicationSlot({ name: 'slot_pg2', activePid: 5102, retainedBytes: 0 })],
    });
    const pg2 = standbySnapshot('pg2', 5433, {
      replicas: [replicaLink({ pid: 5203, applicationName: 'walreceiver' })],
      slots: [replicationSlot({ name: 'slot_pg3', activePid: 5203, retainedBytes: 0 })],
    });
    const pg3 = standbySnapshot('pg3', 5434, { walReceiver: receiver({ host: '127.0.0.1', port: 5433 }, { slotName: 'slot_pg3', lastMessageAt: TICK_AT - 1000 }) });
    const { view, pane } = await panes([pg1, pg2, pg3]);
    // The fixtures' archive_command is the runbook's `test ! -f … && cp`, flagged by another alert.
    expect(view.alerts.filter((alert) => alert.code !== 'archive-command-not-idempotent')).toEqual([]);
    expect(pane(0)).toMatch(/▸ pg2 streaming async/);
    expect(pane(0)).not.toContain('walreceiver');
    expect(pane(0)).not.toContain('pg3');
    expect(pane(1)).toContain('upstream pg1');
    expect(pane(1)).toMatch(/▸ pg3 streaming async/);
    expect(pane(2)).toContain('upstream pg2');
  });

  it('shows a primary refusing the login as NO LOGIN, up, with the reason', async () => {
    const pg1 = downSnapshot('pg1', 5432, { downReason: 'too many connections', serverAnswered: true });
    const { frame, pane } = await panes([pg1, standbySnapshot('pg2', 5433), standbySnapshot('pg3', 5434)]);
    expect(pane(0)).toMatch(/1 pg1\s+✗ NO LOGIN/);
    expect(pane(0)).toContain('up, refuses login: too many');
    // The header's worst alert says it is up; nothing but the key footer speaks of promoting.
    const header = frame.split('\n').slice(0, 2).join('\n');
    // As much as fits, then the key that shows it whole (test/views/readWhole.test.tsx).
    expect(header).toContain("pg1 (127.0.0.1:5432) is up but refuses pgcockpit's login: too many");
    expect(header).toContain('a: all alerts');
    expect(header).not.toMatch(/promot/i);
  });

  it('marks a timeline kept from the last WAL receiver as last seen', async () => {
    const pg3 = standbySnapshot('pg3', 5434, { timeline: 2, timelineLastSeen: true, walReceiver: null });
    const { pane } = await panes([primarySnapshot('pg1', 5432, { timeline: 2 }), standbySnapshot('pg2', 5433, { timeline: 2 }), pg3]);
    expect(pane(2)).toContain('TL 2 last seen on its receiver');
    expect(pane(1)).not.toContain('last seen on');
  });
});

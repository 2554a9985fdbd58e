import { afterEach, describe, expect, it } from 'vitest';
import { clockTime } from '../../src/views/clockTime.js';
import { sparklineText } from '../../src/views/sparklineText.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import {
  alert,
  archiverStats,
  clusterView,
  downSnapshot,
  primarySnapshot,
  replicaLink,
  replicationSlot,
  standbyLink,
  standbySnapshot,
  TICK_AT,
} from './fixtures.js';
import { paneColumn } from './paneText.js';

const MB = 1024 * 1024;
// ANSI SGR colour sequences (foreground, background, bright): what NO_COLOR must not emit.
const COLOUR_CODE = /\x1b\[(3[0-9]|9[0-7]|4[0-9]|10[0-7])(;[0-9]+)*m/;
// At 120 columns three panes stand side by side, 40 columns each.
const PANE_WIDTH = 120 / 3;

afterEach(cleanupCockpits);

/** Renders the cockpit at 120×40 on one tick and returns the text of pane `column` (0-based). */
async function paneAfter(view: ReturnType<typeof clusterView>, column: number, options: { columns?: number } = {}) {
  const cockpit = renderCockpit({ view, columns: options.columns });
  const frame = await waitForFrame(cockpit.plainFrame, (f) => f.includes(view.nodes[column]!.name));
  return paneColumn(frame, column, (options.columns ?? 120) / Math.min(3, view.nodes.length));
}

describe('node pane: primary', () => {
  it('shows role, address, version, timeline, LSN, every replica and every slot', async () => {
    const primary = primarySnapshot('pg1', 5432, {
      timeline: 3,
      currentLsn: '0/5000060',
      replicas: [
        replicaLink({ applicationName: 'pg2', state: 'streaming', syncState: 'sync', replayLagBytes: 2 * MB, replayLagSeconds: 1.5 }),
        replicaLink({ applicationName: 'pg3', state: 'catchup', syncState: 'async', replayLagBytes: 0, replayLagSeconds: null }),
      ],
      slots: [
        replicationSlot({ name: 'slot_pg2', active: true, retainedBytes: 16 * MB, walStatus: 'reserved' }),
        replicationSlot({ name: 'slot_pg3', active: false, retainedBytes: 1.5 * 1024 * MB, walStatus: 'extended' }),
      ],
    });
    const pane = await paneAfter(clusterView({ nodes: [primary, standbySnapshot(), downSnapshot()] }), 0);
    expect(pane).toMatch(/1 pg1\s+PRIMARY/);
    expect(pane).toContain('127.0.0.1:5432 · PG 15.18 · TL 3');
    expect(pane).toContain('LSN 0/5000060');
    expect(pane).toContain('▸ pg2 streaming sync lag 2 MB 1.5 s');
    // Nothing left to replay: caught up, one stable form whatever replay_lag says (NULL on an idle primary).
    expect(pane).toMatch(/▸ pg3 catchup async ✓ caught up\s+║/);
    expect(pane).toContain('slot slot_pg2 active 16 MB reserved');
    expect(pane).toContain('slot slot_pg3 INACTIVE 1.5 GB ext'); // cut at the pane's edge
  });

  it('says so when no standby streams from it', async () => {
    const pane = await paneAfter(clusterView({ nodes: [primarySnapshot('pg1', 5432, { replicas: [] }), standbySnapshot(), downSnapshot()] }), 0);
    expect(pane).toContain('no standby streaming from it');
  });
});

describe('node pane: standby', () => {
  it('shows upstream, receive/replay LSN, lag in bytes and seconds, and the lag history as a sparkline', async () => {
    const cockpit = renderCockpit();
    const lags = [1 * MB, 2 * MB, 4 * MB];
    lags.forEach((lagBytes, tick) => {
      cockpit.store.getState().applyView(
        clusterView({
          at: TICK_AT + tick * 1000,
          nodes: [primarySnapshot(), standbySnapshot('pg2', 5433, { receiveLsn: '0/5000000', replayLsn: '0/4C00000' }), downSnapshot()],
          links: [standbyLink({ lagBytes, lagSeconds: 7, caughtUp: false })],
        }),
      );
    });
    const frame = await waitForFrame(cockpit.plainFrame, (f) => f.includes('lag 4 MB'));
    const pane = paneColumn(frame, 1, PANE_WIDTH);
    expect(pane).toMatch(/2 pg2\s+STANDBY/);
    expect(pane).toContain('upstream pg1 · streaming');
    expect(pane).toContain('recv 0/5000000 · replay 0/4C00000');
    expect(pane).toContain(`lag 4 MB · 7 s ${sparklineText(lags, 20)}`);
    expect(sparklineText(lags, 20)).toBe('▃▅█');
    expect(pane).not.toContain('caught up');
  });

  it('says "caught up" when the link is caught up', async () => {
    const pane = await paneAfter(clusterView({ links: [standbyLink({ caughtUp: true, lagBytes: 0, lagSeconds: 0 })] }), 1);
    expect(pane).toContain('✓ caught up');
    expect(pane).not.toContain('REPLAY PAUSED');
  });

  it('shows REPLAY PAUSED with the bytes received but not applied', async () => {
    const paused = standbySnapshot('pg2', 5433, { replayPaused: true, replayGapBytes: 12 * MB });
    const pane = await paneAfter(
      clusterView({ nodes: [primarySnapshot(), paused, downSnapshot()], links: [standbyLink({ replayPaused: true, caughtUp: false, lagBytes: 12 * MB })] }),
      1,
    );
    expect(pane).toContain('REPLAY PAUSED · 12 MB not applied');
  });

  it('flags a standby without a WAL receiver', async () => {
    const orphan = standbySnapshot('pg2', 5433, { walReceiver: null });
    const pane = await paneAfter(clusterView({ nodes: [primarySnapshot(), orphan, downSnapshot()] }), 1);
    expect(pane).toContain('NO WAL RECEIVER');
  });

  it('marks a stale snapshot', async () => {
    const stale = standbySnapshot('pg2', 5433, {}, { stale: true });
    const pane = await paneAfter(clusterView({ nodes: [primarySnapshot(), stale, downSnapshot()] }), 1);
    expect(pane).toMatch(/2 pg2\s+STANDBY · STALE/);
  });
});

describe('node pane: down and not yet polled', () => {
  it('shows ✗ DOWN, the reason and how long ago the node was last seen', async () => {
    // 160 columns: panes wide enough for the whole reason on one line.
    const pane = await paneAfter(clusterView(), 2, { columns: 159 });
    expect(pane).toMatch(/3 pg3\s+✗ DOWN/);
    expect(pane).toContain('127.0.0.1:5434');
    expect(pane).toContain('down: connection refused (server not running?)');
    expect(pane).toContain('last seen 2 min 5 s ago');
  });

  it('says when a down node was never seen up', async () => {
    const pane = await paneAfter(clusterView({ nodes: [primarySnapshot(), standbySnapshot(), downSnapshot('pg3', 5434, { downReason: 'timeout' })] }), 2);
    expect(pane).toContain('down: timeout');
    expect(pane).toContain('not seen up since pgcockpit started');
  });

  it('shows "connecting…" before the first poll lands', () => {
    const { plainFrame } = renderCockpit();
    expect(plainFrame()).toContain('connecting…');
    expect(plainFrame()).toContain('--:--:--');
  });
});

describe('node pane: archiver', () => {
  const withArchiver = (archiver: Parameters<typeof archiverStats>[0]) =>
    clusterView({ nodes: [primarySnapshot('pg1', 5432, { archiver: archiverStats(archiver) }), standbySnapshot(), downSnapshot()] });

  it('counts archived and failed segments and the .ready backlog with the age of the oldest', async () => {
    const pane = await paneAfter(withArchiver({ archivedCount: 120, failedCount: 2, readyCount: 3, oldestReadyAt: TICK_AT - 150_000 }), 0);
    expect(pane).toContain('archive 120 ok · 2 failed');
    expect(pane).toContain('3 .ready, oldest 2 min 30 s');
    expect(pane).not.toContain('FAILING');
  });

  it('says FAILING when the last failure is newer than the last success', async () => {
    const pane = await paneAfter(withArchiver({ failing: true, failedCount: 4 }), 0);
    expect(pane).toContain('archive FAILING · 120 ok · 4 failed');
  });

  it('says the backlog is unknown, and why, without pg_monitor', async () => {
    const pane = await paneAfter(withArchiver({ canReadStatusDir: false, readyCount: null }), 0);
    expect(pane).toContain('backlog unknown: needs pg_monitor');
  });

  it('says when archiving is off', async () => {
    const pane = await paneAfter(withArchiver({ enabled: false }), 0);
    expect(pane).toContain('no WAL archiving on this node');
  });
});

describe('header', () => {
  it('shows the cluster, how many nodes answer, the clock of the last tick and the interval', async () => {
    const { plainFrame } = renderCockpit({ view: clusterView() });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('PRIMARY'));
    const header = frame.split('\n')[0]!;
    expect(header).toContain('pgcockpit · cluster testcluster · 2/3 up · 1 primary');
    expect(header).toContain(`${clockTime(TICK_AT)} · every 1 s`);
    expect(header).not.toContain('PAUSED');
    expect(frame.split('\n')[1]).toContain('✓ no alerts');
  });

  it('counts alerts per severity and shows the most severe message', async () => {
    const alerts = [
      alert({ severity: 'warning', message: 'pg2 is 12 MB behind pg1' }),
      alert({ severity: 'info', code: 'note', message: 'just so you know' }),
      alert({ severity: 'critical', code: 'node-down', node: 'pg3', message: 'pg3 is down: connection refused' }),
      alert({ severity: 'warning', code: 'slot-inactive', message: 'slot_pg3 is inactive' }),
    ];
    const { plainFrame } = renderCockpit({ view: clusterView({ alerts }) });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('critical'));
    const alertLine = frame.split('\n')[1]!;
    expect(alertLine).toContain('✗ 1 critical');
    expect(alertLine).toContain('▲ 2 warning');
    expect(alertLine).toContain('ℹ 1 info');
    expect(alertLine).toContain('pg3 is down: connection refused');
    expect(alertLine).not.toContain('12 MB behind');
  });

  it('flags more than one primary', async () => {
    const { plainFrame } = renderCockpit({ view: clusterView({ nodes: [primarySnapshot('pg1'), primarySnapshot('pg2', 5433), downSnapshot()] }) });
    expect(await waitForFrame(plainFrame, (f) => f.includes('2 primaries'))).toContain('2/3 up · 2 primaries');
  });
});

describe('colour', () => {
  it('uses colour codes with the colour theme (so the no-colour check below means something)', async () => {
    const { lastFrame } = renderCockpit({ view: clusterView() });
    expect(await waitForFrame(lastFrame, (f) => f.includes('✗ DOWN'))).toMatch(COLOUR_CODE);
  });

  it('uses no colour codes with the no-colour theme, but keeps the words, bold and inverse', async () => {
    const { lastFrame, store } = renderCockpit({ theme: noColorTheme, view: clusterView({ alerts: [alert({ severity: 'critical' })] }) });
    store.getState().togglePause();
    const frame = await waitForFrame(lastFrame, (f) => f.includes('PAUSED'));
    expect(frame).not.toMatch(COLOUR_CODE);
    for (const word of ['PRIMARY', 'STANDBY', '✗ DOWN', '✓ caught up', '✗ 1 critical']) expect(frame).toContain(word);
    expect(frame).toContain('\x1b[1m'); // bold
    expect(frame).toContain('\x1b[7m'); // inverse: the selected pane's name, the PAUSED marker, key hints
  });
});

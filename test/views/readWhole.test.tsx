import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../src/state/createCockpitStore.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, nodesConfig, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { alert, clusterView, primarySnapshot, replicaLink, replicationSlot, standbySnapshot, TICK_AT } from './fixtures.js';
import { KEY, lineIndexOf } from './paneText.js';

afterEach(cleanupCockpits);

/** Issue 10, point 2: nothing cut off without a way to read it. */

const SPLIT_BRAIN = 'pg1, pg2 both accept writes (split brain): fence one before writes diverge further';
const NOT_STREAMING =
  'pg3 is not streaming (its WAL receiver is stopped, last message 5 min ago from 127.0.0.1:5432): check primary_conninfo and the upstream\'s pg_hba.conf and server log';

/** The frame's text read across wrapped rows: borders and runs of spaces as one space. */
function flat(frame: string): string {
  return frame.replace(/[║│\s]+/g, ' ');
}

describe('the alert list (a)', () => {
  it('the header cuts the worst alert with … and names the key; a shows every alert whole with its cause and fix; a or Esc closes', async () => {
    const alerts = [
      alert({ severity: 'critical', code: 'split-brain', node: undefined, message: SPLIT_BRAIN }),
      alert({ severity: 'warning', code: 'standby-not-streaming', node: 'pg3', message: NOT_STREAMING }),
    ];
    const { press, plainFrame, store } = renderCockpit({ view: clusterView({ alerts }), theme: noColorTheme, columns: 80, rows: 24 });
    let frame = await waitForFrame(plainFrame, (f) => f.includes('a: all alerts'));
    const header = frame.split('\n')[1]!;
    expect(header).toContain('✗ 1 critical');
    expect(header).toContain('…');
    expect(header).not.toContain('diverge further');

    await press('a');
    frame = await waitForFrame(plainFrame, (f) => f.includes('Alerts (2): cause and fix'));
    expect(store.getState().overlay).toBe('alerts');
    // Most severe first, each whole: the cause, then the fix on its own line.
    expect(lineIndexOf(frame, '✗ CRITICAL · split-brain')).toBeLessThan(lineIndexOf(frame, '▲ WARNING · pg3 · standby-not-streaming'));
    expect(flat(frame)).toContain('pg1, pg2 both accept writes (split brain) → fix: fence one before writes diverge further');
    expect(flat(frame)).toContain(
      "pg3 is not streaming (its WAL receiver is stopped, last message 5 min ago from 127.0.0.1:5432) → fix: check primary_conninfo and the upstream's pg_hba.conf and server log",
    );
    expect(frame.split('\n').every((line) => line.length <= 80)).toBe(true);

    await press('a');
    await waitForFrame(plainFrame, (f) => f.includes('1 pg1') && !f.includes('cause and fix'));
    await press('a');
    await waitForFrame(plainFrame, (f) => f.includes('cause and fix'));
    await press(KEY.escape);
    await waitForFrame(plainFrame, (f) => !f.includes('cause and fix'));
  });

  it('scrolls with PgDn/PgUp and ↓/↑ when the alerts do not fit', async () => {
    const alerts = Array.from({ length: 12 }, (_, index) =>
      alert({ code: `code-${index + 1}`, node: `pg${index + 1}`, message: `pg${index + 1} is 12 MB behind pg1: check the network` }),
    );
    const { press, plainFrame } = renderCockpit({ view: clusterView({ alerts }), theme: noColorTheme, columns: 80, rows: 24 });
    await press('a');
    let frame = await waitForFrame(plainFrame, (f) => f.includes('Alerts (12)'));
    expect(frame).toContain('code-1');
    expect(frame).not.toContain('code-12');
    expect(frame).toMatch(/↓ \d+ more lines · lines 1–\d+ of \d+/);
    await press(KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.pageDown);
    frame = await waitForFrame(plainFrame, (f) => f.includes('code-12'));
    expect(frame).not.toContain('code-1 ');
    await press(KEY.up);
    await waitForFrame(plainFrame, (f) => f.includes('↓ 1 more lines'));
    await press(KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp);
    frame = await waitForFrame(plainFrame, (f) => /lines 1–/.test(f));
    await press(KEY.down);
    await waitForFrame(plainFrame, (f) => /lines 2–/.test(f));
  });
});

describe('long log lines (w)', () => {
  const LONG = 'pg_basebackup: initiating base backup, waiting for checkpoint to complete; its last record: nothing pg1 wrote after 0/5016FF0 is lost on pg2';
  const line = (text: string): LogLine => ({ at: TICK_AT, text, stream: 'stdout' });

  it('a cut line ends with … and the title names the key; w wraps it under itself, w again cuts it', async () => {
    const { press, plainFrame, store } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns: 80, rows: 24 });
    store.getState().appendLogLines([line('short line'), line(LONG)]);
    let frame = await waitForFrame(plainFrame, (f) => f.includes('w: wrap'));
    expect(frame).toContain('lines cut (…), w: wrap');
    expect(frame).toContain('…');
    expect(frame).not.toContain('is lost on pg2');

    await press('w');
    frame = await waitForFrame(plainFrame, (f) => f.includes('wrapped, w: cut'));
    expect(flat(frame)).toContain(LONG);
    // The continuation stands under the text, past the time gutter.
    const first = lineIndexOf(frame, 'pg_basebackup: initiating');
    expect(frame.split('\n')[first + 1]).toMatch(/^ {12}\S/);

    await press('w');
    frame = await waitForFrame(plainFrame, (f) => f.includes('lines cut (…), w: wrap'));
    expect(frame).not.toContain('is lost on pg2');
  });
});

describe('the detail view', () => {
  it('shows a long archive_command whole at full width, not wrapped mid-path in a narrow cell', async () => {
    const command = 'if test -f /var/lib/postgresql/.local/state/pgcockpit/demo/archive/%f; then cmp -s %p /var/lib/postgresql/.local/state/pgcockpit/demo/archive/%f; else cp %p /var/lib/postgresql/.local/state/pgcockpit/demo/archive/%f.tmp && mv /var/lib/postgresql/.local/state/pgcockpit/demo/archive/%f.tmp /var/lib/postgresql/.local/state/pgcockpit/demo/archive/%f; fi';
    const pg1 = primarySnapshot('pg1', 5432, { settings: { wal_level: 'replica', archive_mode: 'on', archive_command: command } });
    for (const [columns, rows] of [
      [160, 45],
      [100, 30],
    ] as const) {
      const { press, plainFrame } = renderCockpit({ view: clusterView({ nodes: [pg1, standbySnapshot()] }), theme: noColorTheme, columns, rows });
      await press(KEY.enter);
      const frame = await waitForFrame(plainFrame, (f) => f.includes('Settings'));
      // Every path stays on one line.
      for (const path of command.split(' ').filter((word) => word.startsWith('/'))) expect(frame, `${columns}×${rows}`).toContain(path);
      expect(flat(frame)).toContain(command);
      cleanupCockpits();
    }
  });
});

describe('the node detail tables', () => {
  it('widen a column for a cell longer than its width: an IPv6 client and a long slot name read whole', async () => {
    const pg1 = primarySnapshot('pg1', 5432, {
      replicas: [replicaLink({ applicationName: 'reporting_replica_eu', clientAddr: '2001:db8:85a3::8a2e:370:7334' })],
      slots: [replicationSlot({ name: 'physical_slot_for_reporting_eu' })],
    });
    const { press, plainFrame } = renderCockpit({ view: clusterView({ nodes: [pg1, standbySnapshot()] }), theme: noColorTheme, columns: 100, rows: 30 });
    await press(KEY.enter);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('Settings'));
    expect(frame).toMatch(/reporting_replica_eu\s+2001:db8:85a3::8a2e:370:7334\s+streaming/);
    expect(frame).toMatch(/physical_slot_for_reporting_eu\s+physical\s+active/);
  });
});

describe('the node detail, taller than the screen', () => {
  it('scrolls with PgDn/PgUp and ↓/↑ and says where it is: every standby and slot the pane could not show is there', async () => {
    const names = Array.from({ length: 30 }, (_, index) => `pg${index + 2}`);
    const pg1 = primarySnapshot('pg1', 5432, {
      replicas: names.map((name) => replicaLink({ applicationName: name })),
      slots: names.map((name) => replicationSlot({ name: `slot_${name}` })),
    });
    const { press, plainFrame } = renderCockpit({ view: clusterView({ nodes: [pg1, standbySnapshot('pg2', 5433)] }), theme: noColorTheme, columns: 100, rows: 30 });
    await waitForFrame(plainFrame, (f) => /… \d+ more lines · Enter: all/.test(f));
    await press(KEY.enter);
    let frame = await waitForFrame(plainFrame, (f) => /↓ \d+ more lines · lines 1–\d+ of \d+ · ↑\/↓ PgUp\/PgDn: scroll/.test(f));
    expect(frame).toContain('Settings');
    expect(frame).not.toContain('slot_pg31');
    await press(KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.pageDown);
    frame = await waitForFrame(plainFrame, (f) => f.includes('slot_pg31'));
    expect(frame).toContain('1 pg1 · PRIMARY · detail');
    expect(frame).not.toContain('more lines');
    expect(frame.split('\n')).toHaveLength(29);
    await press(KEY.up);
    await waitForFrame(plainFrame, (f) => f.includes('↓ 1 more lines'));
    await press(KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp);
    frame = await waitForFrame(plainFrame, (f) => /lines 1–/.test(f));
    expect(frame).toContain('Settings');
  });
});

/** Issue 10, point 4: the log gets the rows the panes do not need, and a pane grows with what it has to show. */
describe('space', () => {
  it('at 160×45 the panes are as tall as their lines and the log gets the rest', async () => {
    const { plainFrame, store } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns: 160, rows: 45 });
    store.getState().appendLogLines(Array.from({ length: 60 }, (_, index) => ({ at: TICK_AT, text: `line ${index + 1}`, stream: 'stdout' as const })));
    const frame = await waitForFrame(plainFrame, (f) => f.includes('line 60'));
    const lines = frame.split('\n');
    // No blank row inside the primary's pane: its last slot sits on the row above the bottom border.
    const bottom = lines.findIndex((line) => line.startsWith('╚'));
    expect(lines[bottom - 1]).toContain('slot slot_pg3');
    const title = lineIndexOf(frame, '── log');
    expect(title).toBe(bottom + 1);
    // The log shows every row down to the footer: 44 - header 2 - panes - title - footer.
    const shown = lines.slice(title + 1, -1).filter((line) => /line \d+/.test(line));
    expect(shown.length).toBe(lines.length - 1 - (title + 1));
    expect(shown.length).toBeGreaterThan(25);
  });

  it('lets a primary with many standbys and slots grow to show them all', async () => {
    const names = Array.from({ length: 10 }, (_, index) => `pg${index + 2}`);
    const pg1 = primarySnapshot('pg1', 5432, {
      replicas: names.map((name) => replicaLink({ applicationName: name })),
      slots: names.map((name) => replicationSlot({ name: `slot_${name}` })),
    });
    const { plainFrame } = renderCockpit({ config: nodesConfig(3), view: clusterView({ nodes: [pg1, standbySnapshot('pg2', 5433), standbySnapshot('pg3', 5434)] }), theme: noColorTheme, columns: 160, rows: 45 });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('PRIMARY'));
    for (const name of names) {
      expect(frame).toContain(`▸ ${name} streaming`);
      expect(frame).toContain(`slot slot_${name} active`);
    }
    expect(frame).not.toContain('more lines');
  });

  it('a pane with more lines than the screen has room for says how many are cut and how to see them', async () => {
    const names = Array.from({ length: 30 }, (_, index) => `pg${index + 2}`);
    const pg1 = primarySnapshot('pg1', 5432, {
      replicas: names.map((name) => replicaLink({ applicationName: name })),
      slots: names.map((name) => replicationSlot({ name: `slot_${name}` })),
    });
    const { plainFrame } = renderCockpit({ view: clusterView({ nodes: [pg1, standbySnapshot('pg2', 5433)] }), theme: noColorTheme, columns: 160, rows: 45 });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('PRIMARY'));
    expect(frame).toMatch(/… \d+ more lines · Enter: all/);
    expect(frame.split('\n')).toHaveLength(44);
  });
});

/** Issue 10, point 5: steady numbers. */
describe('steady numbers', () => {
  it('a walsender with nothing left to replay is caught up, whatever replay_lag says', async () => {
    for (const replayLagSeconds of [0.1, 0, null]) {
      const pg1 = primarySnapshot('pg1', 5432, { replicas: [replicaLink({ applicationName: 'pg2', replayLagBytes: 0, replayLagSeconds })], slots: [] });
      const { plainFrame } = renderCockpit({ view: clusterView({ nodes: [pg1, standbySnapshot()] }), theme: noColorTheme, columns: 160, rows: 45 });
      const frame = await waitForFrame(plainFrame, (f) => f.includes('▸ pg2'));
      expect(frame, String(replayLagSeconds)).toMatch(/▸ pg2 streaming async ✓ caught up\s+║/);
      cleanupCockpits();
    }
  });

  it('a slot without a restart_lsn says it holds no WAL instead of ?', async () => {
    const pg1 = primarySnapshot('pg1', 5432, { slots: [replicationSlot({ name: 'slot_pg2', active: false, retainedBytes: null, restartLsn: null, walStatus: null })] });
    const { plainFrame } = renderCockpit({ view: clusterView({ nodes: [pg1, standbySnapshot()] }), theme: noColorTheme, columns: 160, rows: 45 });
    const frame = await waitForFrame(plainFrame, (f) => f.includes('slot slot_pg2'));
    expect(frame).toContain('slot slot_pg2 INACTIVE holds no WAL (restart_lsn unset)');
    expect(frame).not.toMatch(/INACTIVE \?/);
  });

  it('a view held at the newest line (a search match) says so, never "0 new lines"', async () => {
    const { press, plainFrame, store } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    store.getState().appendLogLines(Array.from({ length: 40 }, (_, index) => ({ at: TICK_AT, text: `row ${index + 1}${index === 39 ? ' quota' : ''}`, stream: 'stdout' as const })));
    await press(KEY.tab, '/', 'q', 'u', 'o', 't', 'a', KEY.enter);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('/quota 1 of 1'));
    expect(frame).toContain('held at the newest line, G to follow');
    expect(frame).not.toContain('0 new lines');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { slotNotes } from '../../src/views/slotNotes.js';
import { checkpointerText } from '../../src/views/checkpointerText.js';
import { settingSeconds } from '../../src/services/cluster/settingSeconds.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView, primarySnapshot, replicationSlot, SANDBOX_SETTINGS, standbySnapshot, TICK_AT } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

const MINUTE = 60_000;

/** Issue 14, point 4: what 16–18 added to slots, and the checkpointer's statistics, in the node detail. */
describe('node detail on PostgreSQL 17/18: slot columns and the checkpointer', () => {
  it('shows a failover slot, its invalidation, and the time an idle slot has left before 18 invalidates it', async () => {
    const pg1 = primarySnapshot('pg1', 5432, {
      version: '18.4',
      versionNum: 180004,
      settings: { ...SANDBOX_SETTINGS, idle_replication_slot_timeout: '1h' },
      slots: [
        replicationSlot({ name: 'slot_pg2' }),
        replicationSlot({ name: 'sub1', type: 'logical', active: false, activePid: null, database: 'app', failover: true, synced: false, inactiveSince: TICK_AT - 20 * MINUTE }),
        replicationSlot({ name: 'sub_old', type: 'logical', active: false, activePid: null, database: 'app', invalidationReason: 'idle_timeout', inactiveSince: TICK_AT - 90 * MINUTE }),
      ],
      checkpointer: { view: 'pg_stat_checkpointer', timed: 12, requested: 3, writeTimeMs: 4200, syncTimeMs: 15, buffersWritten: 880, restartpointsDone: 0, statsResetAt: TICK_AT - 2 * 3_600_000 },
    });
    const { press, plainFrame } = renderCockpit({ view: clusterView({ nodes: [pg1, standbySnapshot()] }) });
    await press(KEY.enter);
    const frame = await waitForFrame(plainFrame, (f) => f.includes('Slots (pg_replication_slots)'));
    expect(frame).toContain('sub1: db app, failover, inactive 20 min, idle timeout in 40 min');
    expect(frame).toContain('sub_old: db app, INVALID: idle_timeout');
    expect(frame.replace(/(\s*║\s*)+/g, ' ')).toContain('checkpoints 12 timed · 3 requested · 0 restartpoints · write 4.2 s · sync 0 s · 880 buffers (pg_stat_checkpointer, since 2 h ago)');
  });

  it('words for each case', () => {
    const now = TICK_AT;
    const logical = replicationSlot({ name: 's', type: 'logical', active: false, activePid: null, database: 'app' });
    expect(slotNotes(replicationSlot({ name: 'p' }), {}, now)).toBe('');
    expect(slotNotes({ ...logical, failover: true, synced: true, inactiveSince: now - MINUTE }, { idle_replication_slot_timeout: '10min' }, now)).toBe('db app, failover, synced, inactive 1 min');
    expect(slotNotes({ ...logical, inactiveSince: now - 11 * MINUTE }, { idle_replication_slot_timeout: '10min' }, now)).toBe('db app, inactive 11 min, idle timeout passed');
    expect(slotNotes({ ...logical, conflicting: true }, {}, now)).toBe('db app, INVALID: conflict');
    expect(slotNotes({ ...logical, inactiveSince: now - MINUTE }, { idle_replication_slot_timeout: '0' }, now)).toBe('db app, inactive 1 min');
    expect(checkpointerText({ view: 'pg_stat_bgwriter', timed: 1, requested: 0, writeTimeMs: 0, syncTimeMs: 0, buffersWritten: 0, restartpointsDone: null, statsResetAt: null }, now)).toBe(
      'checkpoints 1 timed · 0 requested · write 0 s · sync 0 s · 0 buffers (pg_stat_bgwriter)',
    );
    expect([settingSeconds('0'), settingSeconds('30s'), settingSeconds('10min'), settingSeconds('1h'), settingSeconds('2d'), settingSeconds('500ms'), settingSeconds('x')]).toEqual([0, 30, 600, 3600, 172_800, 0.5, null]);
  });
});

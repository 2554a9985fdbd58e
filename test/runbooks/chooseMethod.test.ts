import { describe, expect, it } from 'vitest';
import type { MethodFacts } from '../../src/services/runbooks/rebuild/chooseMethod.js';
import { chooseMethod } from '../../src/services/runbooks/rebuild/chooseMethod.js';
import { parseTargetControl } from '../../src/services/runbooks/rebuild/targetControl.js';
import { rewindProgressReport } from '../../src/services/runner/progress/rewindProgress.js';

const MB = 1024 * 1024;
// An old primary killed after a failover: PostgreSQL 15's pg_controldata (LC_ALL=C), the lines read.
const CRASHED = `pg_control version number:            1300
Database system identifier:           7713962964056721377
Database cluster state:               in production
Latest checkpoint location:           0/3000060
Latest checkpoint's TimeLineID:       1
wal_log_hints setting:                on
Data page checksum version:           0
`;
const facts = (overrides: Partial<MethodFacts> = {}): MethodFacts => ({
  target: 'pg1',
  source: 'pg2',
  running: false,
  control: { ...parseTargetControl(CRASHED), major: 15 },
  sourceTimeline: 2,
  sourceMajor: 15,
  sourceBytes: 750 * MB,
  sourceWalBytes: 200 * MB,
  sourceFileAccess: { ok: true, detail: 'postgres may read' },
  ...overrides,
});

describe('chooseMethod', () => {
  it('auto: pg_rewind when the node forked and the source pg_wal it copies is smaller than the databases, after crash recovery', () => {
    expect(chooseMethod('auto', facts())).toEqual({
      method: 'rewind',
      reason: "pg_rewind: it fetches 200 MB of pg2's pg_wal plus the changed blocks, where pg_basebackup copies 750 MB",
      rewindBlockers: [],
      needsCrashRecovery: true,
    });
  });

  it('auto: pg_basebackup when the pg_wal pg_rewind copies whole is the bigger move (its cost follows WAL, not divergence)', () => {
    expect(chooseMethod('auto', facts({ sourceWalBytes: 1024 * MB }))).toMatchObject({ method: 'basebackup', reason: expect.stringMatching(/pg_rewind would fetch 1 GB of pg2's pg_wal/) });
  });

  it('says what rules pg_rewind out: no fork, no hints or checksums, another major, a login that may not read files', () => {
    const choice = chooseMethod('auto', facts({
      control: { ...parseTargetControl(CRASHED.replace('wal_log_hints setting:                on', 'wal_log_hints setting:                off')), major: 14 },
      targetTimeline: 2,
      sourceFileAccess: { ok: false, detail: "pgcockpit's login on pg2 (monitor) may not read its files" },
    }));
    expect(choice.method).toBe('basebackup');
    expect(choice.rewindBlockers).toEqual([
      'pg1 is on timeline 2 and pg2 on 2: no fork to rewind',
      'pg1 has wal_log_hints off and no data checksums (pg_rewind refuses)',
      'pg1 is PostgreSQL 14, pg2 15',
      "pgcockpit's login on pg2 (monitor) may not read its files",
    ]);
  });

  it('a running target is stopped cleanly first: no crash recovery; asked methods are kept (the plan refuses a rewind that cannot work)', () => {
    expect(chooseMethod('auto', facts({ running: true })).needsCrashRecovery).toBe(false);
    expect(chooseMethod('basebackup', facts()).method).toBe('basebackup');
    expect(chooseMethod('rewind', facts({ targetTimeline: 2 }))).toMatchObject({ method: 'rewind', rewindBlockers: ['pg1 is on timeline 2 and pg2 on 2: no fork to rewind'] });
  });
});

describe('rewindProgressReport', () => {
  it("reads pg_rewind --progress lines as bytes done of the total, and nothing else", () => {
    expect(rewindProgressReport('  10264/183502 kB (5%) copied')).toEqual({ fraction: 10264 / 183502, amount: { done: 10264 * 1024, total: 183502 * 1024, unit: 'bytes' } });
    expect(rewindProgressReport('pg_rewind: servers diverged at WAL location 0/30230A8 on timeline 1')).toBeNull();
  });
});

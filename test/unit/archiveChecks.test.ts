import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import { archiveChecks } from '../../src/services/pitr/archiveCheck.js';

const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', dataDir: '/d' }], archive: { dir: '/srv/archive' } });
const pg1 = config.nodes[0]!;
const failing = (checks: ReturnType<typeof archiveChecks>) => checks.filter((check) => check.status !== 'ok').map((check) => `${check.status} ${check.label}: ${check.observed} → ${check.fix}`);

describe('archiveChecks', () => {
  it('says what is wrong with values and the fix: archiving off (a restart), wal_level minimal, no command, a foreign owner', () => {
    const checks = archiveChecks(config, pg1, { dir: { owner: 'root', mode: '755' }, settings: { wal_level: 'minimal', archive_mode: 'off', archive_command: '(disabled)' }, pendingRestart: [] });
    expect(failing(checks)).toEqual([
      'fail archive directory /srv/archive on this machine: owner root, mode 755 → chown postgres /srv/archive; chmod 0750 /srv/archive (the server writes it as postgres; nobody else should change archived WAL)',
      'fail wal_level is replica or logical: minimal → alter system set wal_level = replica on pg1, then restart it (a restart is needed)',
      'fail archive_mode is on: off → alter system set archive_mode = on on pg1, then restart it (archive_mode needs a restart); pgcockpit archive setup writes it',
      'fail archive_command or archive_library is set: neither → pgcockpit archive setup writes a durable archive_command',
    ]);
  });

  it('a change waiting for a restart is a warning; an archive_library counts; a segment that never arrives fails', () => {
    const checks = archiveChecks(config, pg1, {
      dir: { owner: 'postgres', mode: '700' },
      settings: { wal_level: 'replica', archive_mode: 'on', archive_command: '', archive_library: 'basic_archive' },
      pendingRestart: ['archive_mode'],
      live: { segment: '000000010000000000000007', arrived: false, waitedMs: 30_000, lastFailed: '000000010000000000000007' },
    });
    expect(failing(checks)).toEqual([
      'warn archive_mode is on: on (changed, waiting for a restart) → restart pg1: archive_mode takes effect only then',
      "fail a switched-out segment arrives in the archive: 000000010000000000000007 did not arrive within 30 s (pg_stat_archiver: last failed 000000010000000000000007) → read pg1's server log for the archive_command's error",
    ]);
    expect(checks.find((check) => check.label.startsWith('archive_command'))?.observed).toBe('archive_library = basic_archive');
  });
});

import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import type { ArchiveFacts } from '../../src/services/pitr/archiveCheck.js';
import { durableArchiveCommand, safeArchiveCommand } from '../../src/services/postgres/archiveCommand.js';
import { liveArchiveTest } from '../../src/services/runbooks/archive/liveArchiveTest.js';
import { planArchive } from '../../src/services/runbooks/archive/planArchive.js';
import type { StepContext } from '../../src/services/runbooks/plan.js';
import { archiveTargetOf } from '../../src/state/archiveTargetOf.js';

const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', dataDir: '/d', osUser: 'postgres' }], archive: { dir: '/srv/archive' } });
const pg1 = config.nodes[0]!;
const IN_PLACE = { wal_level: 'replica', archive_mode: 'on', archive_library: '' };
const facts = (overrides: Partial<ArchiveFacts>): ArchiveFacts => ({ dir: { owner: 'postgres', mode: '750' }, settings: { ...IN_PLACE, archive_command: durableArchiveCommand('/srv/archive') }, pendingRestart: [], ...overrides });
const marks = (checks: ReadonlyArray<{ status: string; label: string; observed: string }>) => checks.map((check) => `${check.status} ${check.label}: ${check.observed}`);

describe('planArchive: archive check over archive setup', () => {
  it("never set up: the check's ✗ with values, the directory and ALTER SYSTEM steps, no live test, the restart said", () => {
    const plan = planArchive(config, pg1, { dirProblem: 'No such file or directory', settings: { wal_level: 'replica', archive_mode: 'off', archive_command: '' }, pendingRestart: [] }, { runnerNode: 'pg1' });
    expect(plan.blocked).toBe(false);
    expect(marks(plan.checks)).toEqual([
      'fail archive directory /srv/archive on this machine: No such file or directory',
      'ok wal_level is replica or logical: replica',
      'fail archive_mode is on: off',
      'fail archive_command or archive_library is set: neither',
      'warn a switched-out segment arrives in the archive: not tested: archiving is not set up yet',
      'warn a restart: archive_mode take effect only when pg1 restarts',
    ]);
    expect(plan.steps.map((step) => step.description)).toEqual(['create the archive directory /srv/archive as postgres', 'write the archive settings on pg1 and reload']);
    expect(plan.steps[1]!.detail).toContain("alter system set archive_mode = 'on'");
    expect(plan.restartNeeded).toEqual(['archive_mode']);
    expect(plan.warnings[0]).toMatch(/the ✗ checks above are what these steps set up; archive_mode then waits? for a restart of pg1/);
  });

  it('only the command missing: it is written and reloaded, and a last step watches a segment arrive', () => {
    const plan = planArchive(config, pg1, facts({ settings: { ...IN_PLACE, archive_command: '' } }), { runnerNode: 'pg1' });
    expect(plan.restartNeeded).toEqual([]);
    expect(plan.steps.map((step) => step.description)).toEqual(['write the archive settings on pg1 and reload', 'live test: switch out a WAL segment on pg1 and watch it arrive in /srv/archive']);
    expect(plan.steps[1]!.detail.split('\n')).toEqual([
      'select txid_current()',
      'select pg_walfile_name(pg_switch_wal())',
      'select last_archived_wal, last_failed_wal from pg_stat_archiver  -- until it reaches the segment, up to 30 s',
      'test -f /srv/archive/<segment>',
    ]);
  });

  it('all in place, not yet tested: the live test is the one step (it writes WAL: never run while planning)', () => {
    const plan = planArchive(config, pg1, facts({}), { runnerNode: 'pg1', noLiveTest: 'the step below runs it (it switches out a WAL segment, so only once confirmed)' });
    expect(plan.steps.map((step) => step.description)).toEqual(['live test: switch out a WAL segment on pg1 and watch it arrive in /srv/archive']);
    expect(plan.warnings).toEqual(['nothing to change: the archive is set up; the step below only tests it (a segment switched out must arrive)']);
    expect(marks(plan.checks)).toContain('warn a switched-out segment arrives in the archive: not tested: the step below runs it (it switches out a WAL segment, so only once confirmed)');
  });

  it('all in place and the live test passed: nothing to run, and it says so', () => {
    const plan = planArchive(config, pg1, facts({ live: { segment: '000000010000000000000007', arrived: true, waitedMs: 400, lastFailed: null } }), { runnerNode: 'pg1' });
    expect({ blocked: plan.blocked, steps: plan.steps.length, warnings: plan.warnings }).toEqual({ blocked: false, steps: 0, warnings: ['nothing to change: the archive is set up and a switched-out segment arrived'] });
    expect(marks(plan.checks).at(-1)).toBe('ok a switched-out segment arrives in the archive: 000000010000000000000007 arrived after 0.4 s');
    const lost = planArchive(config, pg1, facts({ live: { segment: '000000010000000000000007', arrived: false, waitedMs: 30_000, lastFailed: '000000010000000000000007' } }), { runnerNode: 'pg1' });
    expect({ steps: lost.steps.length, warnings: lost.warnings }).toEqual({ steps: 0, warnings: ['nothing for setup to change: the settings are in place, yet the switched-out segment did not arrive (the ✗ above says where to look)'] });
  });

  it("an archive_command of its own that archives is kept (no refusal); with something missing beside it, setup's refusal stands", () => {
    const own = safeArchiveCommand('/srv/archive');
    const kept = planArchive(config, pg1, facts({ settings: { ...IN_PLACE, archive_command: own } }), { runnerNode: 'pg1', noLiveTest: 'read-only (it switches out a WAL segment)' });
    // Nothing written: only the live test, a step (it writes WAL), run once the name is typed.
    expect({ blocked: kept.blocked, steps: kept.steps.map((step) => step.description) }).toEqual({ blocked: false, steps: ['live test: switch out a WAL segment on pg1 and watch it arrive in /srv/archive'] });
    expect(kept.checks.find((check) => check.label === 'archive_command')).toMatchObject({ status: 'warn', observed: "set already, not pgcockpit's durable command: kept, it archives", fix: expect.stringMatching(/^pgcockpit archive setup --replace writes/) });
    expect(marks(kept.checks)).toContain('warn a switched-out segment arrives in the archive: not tested: read-only (it switches out a WAL segment)');
    const refused = planArchive(config, pg1, facts({ dir: undefined, dirProblem: 'No such file or directory', settings: { ...IN_PLACE, archive_command: own } }), { runnerNode: 'pg1' });
    expect({ blocked: refused.blocked, steps: refused.steps.length }).toEqual({ blocked: true, steps: 0 });
    expect(refused.blockedReasons.join()).toMatch(/^archive_command: set already/);
    expect(planArchive(config, pg1, facts({ settings: { ...IN_PLACE, archive_command: own } }), { runnerNode: 'pg1', replace: true }).steps).toHaveLength(2);
  });

  it('an archive_library (16+: never beside a command) counts as set: kept, never a command written beside it; --replace resets it', () => {
    const withLibrary = { ...IN_PLACE, archive_library: 'basic_archive', archive_command: '' };
    const kept = planArchive(config, pg1, facts({ settings: withLibrary }), { runnerNode: 'pg1', noLiveTest: 'read-only (it switches out a WAL segment)' });
    expect({ blocked: kept.blocked, steps: kept.steps.map((step) => step.description) }).toEqual({ blocked: false, steps: ['live test: switch out a WAL segment on pg1 and watch it arrive in /srv/archive'] });
    const refused = planArchive(config, pg1, facts({ dir: undefined, dirProblem: 'No such file or directory', settings: withLibrary }), { runnerNode: 'pg1' });
    expect(refused.blockedReasons.join()).toMatch(/^archive_command: set already: archive_library = basic_archive/);
    const replaced = planArchive(config, pg1, facts({ settings: withLibrary }), { runnerNode: 'pg1', replace: true });
    const write = replaced.steps.find((step) => step.description.startsWith('write the archive settings'))!;
    expect(write.detail.indexOf('alter system reset archive_library')).toBeGreaterThanOrEqual(0);
    expect(write.detail.indexOf('alter system reset archive_library')).toBeLessThan(write.detail.indexOf('alter system set archive_command'));
  });

  it("the live test step fails with the archiver's last failure when the segment does not arrive", async () => {
    const plan = planArchive(config, pg1, facts({ settings: { ...IN_PLACE, archive_command: '' } }), { runnerNode: 'pg1', liveTimeoutMs: 50 });
    const ctx = {
      sql: async (_node: string, text: string) =>
        text.includes('pg_switch_wal') ? [{ segment: '000000010000000000000009' }] : text.includes('pg_stat_archiver') ? [{ last_archived_wal: '000000010000000000000008', last_failed_wal: '000000010000000000000009' }] : [],
      command: async () => '',
    } as unknown as StepContext;
    await expect(plan.steps[1]!.run(ctx)).rejects.toThrow(/^000000010000000000000009 did not arrive in \/srv\/archive within 0 s \(pg_stat_archiver: last failed 000000010000000000000009\); read pg1's server log/);
  });
});

describe('liveArchiveTest', () => {
  it('waits for the archiver to pass the segment, then looks for the file once', async () => {
    const archived = ['000000010000000000000006', '000000010000000000000006', '000000010000000000000007'];
    const looked: string[] = [];
    const statements: string[] = [];
    const result = await liveArchiveTest({
      sql: async <Row,>(text: string, mutating: boolean) => {
        statements.push(`${mutating ? 'w' : 'r'} ${text}`);
        if (text.includes('pg_switch_wal')) return [{ segment: '000000010000000000000007' }] as Row[];
        if (text.includes('pg_stat_archiver')) return [{ last_archived_wal: archived.shift(), last_failed_wal: null }] as Row[];
        return [] as Row[];
      },
      archived: async (segment) => (looked.push(segment), true),
      timeoutMs: 5000,
      pollMs: 1,
    });
    expect(result).toMatchObject({ segment: '000000010000000000000007', arrived: true, lastFailed: null });
    expect(looked).toEqual(['000000010000000000000007']);
    expect(statements.slice(0, 3)).toEqual(['w select txid_current()', 'w select pg_walfile_name(pg_switch_wal()) as segment', 'r select last_archived_wal, last_failed_wal from pg_stat_archiver']);
  });
});

describe('archiveTargetOf: the node A opens the archive for', () => {
  const nodes = [
    { name: 'pg1', role: 'standby', status: 'up' },
    { name: 'pg2', role: 'primary', status: 'up' },
    { name: 'pg3', role: 'primary', status: 'down' },
  ] as const;
  it('the selected primary, else the primary that is up, else the selected node', () => {
    expect(archiveTargetOf(nodes, 1)).toBe('pg2');
    expect(archiveTargetOf(nodes, 0)).toBe('pg2');
    expect(archiveTargetOf(nodes, 2)).toBe('pg2');
    expect(archiveTargetOf([nodes[0], nodes[2]], 1)).toBe('pg3');
    expect(archiveTargetOf([], 0)).toBeUndefined();
  });
});

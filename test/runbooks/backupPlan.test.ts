import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { PgDumpCandidate } from '../../src/services/backups/pgDumpChoice.js';
import { choosePgDump, parsePgDumpVersion } from '../../src/services/backups/pgDumpChoice.js';
import type { BackupFacts } from '../../src/services/runbooks/backup/planBackup.js';
import { planBackup, resolveBackupNode } from '../../src/services/runbooks/backup/planBackup.js';
import { pgDumpCommand } from '../../src/services/runbooks/backup/backupSteps.js';
import { isRecoveryConflict, recoveryConflictAdvice } from '../../src/services/runbooks/backup/recoveryConflict.js';
import { GiB, healthyCluster, hostFor, MiB, NOW, primary, replicaRow, slot, standby } from '../support/snapshots.js';

const config = configSchema.parse({
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}/main` })),
  replication: { user: 'replication' },
  backups: { dir: '/srv/backups' },
});
const now = new Date('2026-11-30T13:45:01.123Z');
const dump = (major: number, where: string, foundIn: PgDumpCandidate['foundIn'] = 'installed'): PgDumpCandidate => ({ path: `${where}/pg_dump`, version: `pg_dump (PostgreSQL) ${major}.2`, major, foundIn });

function facts(overrides: Partial<BackupFacts> = {}): BackupFacts {
  return {
    view: buildClusterView(healthyCluster(), DEFAULT_THRESHOLDS, NOW),
    node: {
      databases: [
        { name: 'postgres', bytes: 8 * MiB },
        { name: 'shop', bytes: 2 * GiB },
      ],
      tables: [
        { name: 'public.orders', bytes: 1.5 * GiB, rowEstimate: 9_000_000, readable: true },
        { name: 'public.customers', bytes: 200 * MiB, rowEstimate: 120_000, readable: true },
      ],
      maxStandbyStreamingDelay: '30s',
      hotStandbyFeedback: 'off',
    },
    pgDumps: [dump(16, '/usr/lib/postgresql/16/bin')],
    backupsDir: { dir: '/srv/backups', exists: true, writable: true, freeBytes: 50 * GiB },
    ...overrides,
  };
}
const failing = (plan: ReturnType<typeof planBackup>) => plan.checks.filter((check) => check.status === 'fail').map((check) => `${check.label}: ${check.observed}${check.fix ? ` (${check.fix})` : ''}`);

describe('choosePgDump', () => {
  it('reads pg_dump --version, old two-number majors too', () => {
    expect(parsePgDumpVersion('pg_dump (PostgreSQL) 17.2 (Ubuntu 17.2-1.pgdg24.04+1)\n')).toEqual({ version: 'pg_dump (PostgreSQL) 17.2 (Ubuntu 17.2-1.pgdg24.04+1)', major: 17 });
    expect(parsePgDumpVersion('pg_dump (PostgreSQL) 9.6.24')?.major).toBeCloseTo(9.6);
    expect(parsePgDumpVersion('pg_dump (PostgreSQL) 18beta1')?.major).toBe(18);
    expect(parsePgDumpVersion('bash: pg_dump: not found')).toBeUndefined();
  });

  it('takes the lowest major ≥ the server, the first found of it; names what to install when none fits', () => {
    const candidates = [dump(15, '/opt/pg15/bin', 'pgBinDir'), dump(18, '/usr/lib/postgresql/18/bin'), dump(16, '/usr/lib/postgresql/16/bin'), dump(16, '/usr/bin', 'PATH')];
    expect(choosePgDump(candidates, 16).chosen?.path).toBe('/usr/lib/postgresql/16/bin/pg_dump');
    expect(choosePgDump(candidates, 15).chosen?.path).toBe('/opt/pg15/bin/pg_dump');
    expect(choosePgDump(candidates, 17).chosen?.path).toBe('/usr/lib/postgresql/18/bin/pg_dump');
    const none = choosePgDump([dump(15, '/usr/bin', 'PATH')], 17);
    expect(none.chosen).toBeUndefined();
    expect(none.reason).toContain('/usr/bin/pg_dump (15)');
    expect('install' in none && none.install).toContain('postgresql-client-17');
    expect(choosePgDump([], 16).reason).toContain('no pg_dump');
  });
});

describe('planBackup', () => {
  it('from a caught-up standby: the catalog entry, pg_dump as a cancellable step (no password in argv), then read back and recorded complete', () => {
    const plan = planBackup(config, facts(), 'pg2', { database: 'shop', now });
    expect(failing(plan)).toEqual([]);
    expect(plan).toMatchObject({
      title: 'backup shop from pg2',
      blocked: false,
      format: 'custom',
      id: 'shop-20261130T134501Z',
      path: '/srv/backups/test/shop/20261130T134501Z.dump',
      pgDump: '/usr/lib/postgresql/16/bin/pg_dump',
      undoOnFailure: false,
    });
    expect(plan.steps.map((step) => step.description)).toEqual([
      'record the backup in the catalog as running',
      'dump shop from pg2 with /usr/lib/postgresql/16/bin/pg_dump (custom)',
      'read the dump back, checksum it, and record it complete',
    ]);
    expect(plan.steps.every((step) => step.node === 'jump host' && step.mutating)).toBe(true);
    expect(plan.steps[1]).toMatchObject({ cancellable: true });
    expect(plan.steps[0]!.undo).toBeDefined();
    expect(plan.steps[1]!.detail).toContain('-Fc');
    expect(plan.steps[1]!.detail).toContain('--verbose -f /srv/backups/test/shop/20261130T134501Z.dump.partial');
    expect(plan.checks.find((check) => check.label.startsWith('a pg_dump'))?.observed).toContain('/usr/lib/postgresql/16/bin/pg_dump: pg_dump (PostgreSQL) 16.2');
    // A standby that cancels long queries after 30 s: the plan says so before it starts.
    expect(plan.warnings.join('\n')).toContain('recovery conflict');
    expect(plan.retryCommand).toBe('pgcockpit backup --node pg2 --db shop --yes');
  });

  it('the password travels in PGPASSWORD, with LC_MESSAGES=C; directory format runs -j; tables are -t each', () => {
    const plan = planBackup(config, facts(), 'pg2', { database: 'shop', format: 'directory', jobs: 2, tables: ['public.orders'], now });
    expect(failing(plan)).toEqual([]);
    expect(plan.path).toBe('/srv/backups/test/shop/20261130T134501Z.dir');
    const detail = plan.steps[1]!.detail;
    expect(detail).toContain('-Fd -j 2 -t public.orders --verbose');
    const spec = pgDumpCommand(
      { config, node: config.nodes[1]!, database: 'shop', format: 'custom', tablesWanted: [], tables: [], paths: { id: 'x', path: '/b/x.dump', entry: '/b/x.dump.json', partial: '/b/x.dump.partial' }, pgDump: dump(16, '/usr/bin'), serverVersion: '16.4', standby: true },
      's3cret',
    );
    expect(spec.args).not.toContain('s3cret');
    expect(spec.env).toMatchObject({ PGPASSWORD: 's3cret', LC_MESSAGES: 'C' });
    expect(spec.args).toContain("dbname=shop");
  });

  it('from the primary: allowed, with a warning naming the caught-up standby that could take it', () => {
    const plan = planBackup(config, facts(), 'pg1', { database: 'shop', now });
    expect(failing(plan)).toEqual([]);
    expect(plan.warnings.join('\n')).toContain('the caught-up standby pg2 could take the dump instead and spare it (--node pg2)');
  });

  it('refuses: no backups.dir, a directory not writable, a missing database (listing the ones there are), a missing table, -j without directory', () => {
    const noDir = configSchema.parse({ ...config, backups: undefined });
    expect(failing(planBackup(noDir, facts(), 'pg2', { database: 'shop' }))).toEqual([expect.stringContaining('the config has no backups.dir')]);
    expect(failing(planBackup(config, facts({ backupsDir: { dir: '/srv/backups', exists: true, writable: false, problem: '/srv/backups is not writable by dba' } }), 'pg2', { database: 'shop' }))).toEqual([
      expect.stringContaining('/srv/backups is not writable by dba'),
    ]);
    expect(failing(planBackup(config, facts(), 'pg2', { database: 'nope' }))).toEqual([expect.stringContaining('no such database; there are: postgres 8 MB, shop 2 GB')]);
    expect(failing(planBackup(config, facts(), 'pg2', {}))).toEqual([expect.stringContaining('--db one of: postgres 8 MB, shop 2 GB')]);
    expect(failing(planBackup(config, facts(), 'pg2', { database: 'shop', tables: ['public.gone', 'customers'] }))).toEqual([expect.stringContaining('not found: public.gone')]);
    expect(failing(planBackup(config, facts(), 'pg2', { database: 'shop', jobs: 2 }))).toEqual([expect.stringContaining('--jobs 2 with --format custom')]);
    const refused = planBackup(config, facts(), 'pg9', { database: 'shop' });
    expect(refused.blocked).toBe(true);
    expect(refused.steps).toEqual([]);
  });

  it('refuses when no pg_dump is new enough, naming the package to install', () => {
    const plan = planBackup(config, facts({ pgDumps: [dump(15, '/usr/bin', 'PATH')] }), 'pg2', { database: 'shop' });
    expect(failing(plan)).toEqual([expect.stringMatching(/a pg_dump ≥ 16 on this machine: none is ≥ the server's major version 16: \/usr\/bin\/pg_dump \(15\) \(install postgresql-client-16/)]);
    expect(plan.steps).toEqual([]);
  });

  it('with backups.host: pg_dump, the dir and what to install are on that node\'s host, and the steps run there', () => {
    const onDb2 = configSchema.parse({ ...config, backups: { dir: '/srv/backups', host: 'pg3' } });
    const plan = planBackup(onDb2, facts(), 'pg2', { database: 'shop', now });
    expect(plan.blocked).toBe(false);
    expect(plan.checks.map((check) => check.label)).toEqual(expect.arrayContaining(["/srv/backups is writable on pg3's host as postgres", "a pg_dump ≥ 16 on pg3's host"]));
    expect(plan.steps.map((step) => step.node)).toEqual(['pg3', 'pg3', 'pg3']);
    expect(plan.steps[1]?.description).toBe("dump shop from pg2 with /usr/lib/postgresql/16/bin/pg_dump (custom) on pg3's host as postgres");
    const none = planBackup(onDb2, facts({ pgDumps: [] }), 'pg2', { database: 'shop' });
    expect(failing(none)).toEqual([
      "a pg_dump ≥ 16 on pg3's host: no pg_dump on pg3's host (looked in the node's pgBinDir, /usr/lib/postgresql/*/bin and PATH) (install postgresql-client-16 (apt, PGDG) or postgresql16 (dnf, PGDG) on pg3's host, or set pg3's pgBinDir to PostgreSQL 16+ binaries there)",
    ]);
    const unreachable = planBackup(onDb2, facts({ pgDumps: undefined, backupsDir: undefined, backupsHostProblem: 'connect ECONNREFUSED 10.0.0.3:22' }), 'pg2', { database: 'shop' });
    expect(failing(unreachable)).toEqual([expect.stringMatching(/^pg3's host answers \(backups.host: pg_dump runs there\): connect ECONNREFUSED/)]);
    const readOnlyDir = planBackup(onDb2, facts({ backupsDir: { dir: '/srv/backups', exists: true, writable: false, problem: '/srv/backups is not writable by postgres' } }), 'pg2', { database: 'shop' });
    expect(failing(readOnlyDir)).toEqual([expect.stringContaining("(create it for postgres on pg3's host (mkdir -p /srv/backups)")]);
  });

  it('refuses a login that may not read a table, and a disk too small for a plain dump; warns for a compressed one', () => {
    const unreadable = facts();
    unreadable.node!.tables![1]!.readable = false;
    expect(failing(planBackup(config, unreadable, 'pg2', { database: 'shop' }))).toEqual([expect.stringContaining('it may not SELECT 1 of them: public.customers')]);
    const small = facts({ backupsDir: { dir: '/srv/backups', exists: true, writable: true, freeBytes: 1 * GiB } });
    expect(failing(planBackup(config, small, 'pg2', { database: 'shop', format: 'plain' }))).toEqual([expect.stringContaining('1 GB free, shop takes 2 GB')]);
    const compressed = planBackup(config, small, 'pg2', { database: 'shop' });
    expect(failing(compressed)).toEqual([]);
    expect(compressed.checks.find((check) => check.label.startsWith('room'))?.status).toBe('warn');
  });

  it('--node standby: a caught-up standby, else the primary; a node of that name is itself', () => {
    const view = buildClusterView(healthyCluster(), DEFAULT_THRESHOLDS, NOW);
    expect(resolveBackupNode(config, view, 'standby')).toBe('pg2');
    expect(planBackup(config, facts(), 'standby', { database: 'shop', now }).title).toBe('backup shop from pg2');
    const alone = buildClusterView([primary('pg1')], DEFAULT_THRESHOLDS, NOW);
    expect(resolveBackupNode(config, alone, 'standby')).toBe('pg1');
    const named = configSchema.parse({ ...config, nodes: [...config.nodes, { name: 'standby', host: '10.0.0.9', dataDir: '/data/standby' }] });
    expect(resolveBackupNode(named, view, 'standby')).toBe('standby');
    expect(resolveBackupNode(config, view, 'pg3')).toBe('pg3');
  });

  it('a lagging standby is allowed, with its lag said', () => {
    const pg1 = primary('pg1', { server: { replicas: [replicaRow('pg2', { replayLsn: '0/4000000' })], slots: [slot('slot_pg2')] } });
    const plan = planBackup(config, facts({ view: buildClusterView([pg1, standby('pg2', pg1)], DEFAULT_THRESHOLDS, NOW) }), 'pg2', { database: 'shop', now });
    expect(failing(plan)).toEqual([]);
    expect(plan.checks[0]!.observed).toMatch(/^standby, PostgreSQL 16\.4/);
  });
});

describe('recovery conflict', () => {
  it('is recognised in pg_dump\'s error and explained with the remedies', () => {
    expect(isRecoveryConflict('pg_dump: detail: Error message from server: ERROR:  canceling statement due to conflict with recovery')).toBe(true);
    expect(isRecoveryConflict('pg_dump: dumping contents of table "public.orders"')).toBe(false);
    // A lock replay that waits longer than deadlock_timeout: the standby's deadlock check cancels the dump.
    expect(isRecoveryConflict('pg_dump: detail: Error message from server: ERROR:  deadlock detected')).toBe(true);
    const advice = recoveryConflictAdvice('pg2', 'pg1');
    for (const remedy of ['max_standby_streaming_delay', 'hot_standby_feedback', 'pgcockpit backup --node pg1']) expect(advice).toContain(remedy);
  });
});

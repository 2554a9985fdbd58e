import { describe, expect, it } from 'vitest';
import { parseBaseBackupListing, baseBackupPaths, baseBackupEntryFile, writeBaseBackupEntrySpec } from '../../src/services/backups/baseBackupCatalog.js';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { manifestChecksum, parseBackupLabel, startTimeLocal, walEndPoint } from '../../src/services/backups/baseBackupLabel.js';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import type { CockpitConfigInput } from '../../src/services/config/schema.js';
import { baseBackupConninfo } from '../../src/services/runbooks/basebackup/baseBackupConninfo.js';
import { pgBasebackupCommand } from '../../src/services/runbooks/basebackup/baseBackupSteps.js';
import type { BaseBackupFacts } from '../../src/services/runbooks/basebackup/planBaseBackup.js';
import { planBaseBackup } from '../../src/services/runbooks/basebackup/planBaseBackup.js';
import { GiB, healthyCluster, hostFor, NOW, withServer } from '../support/snapshots.js';

const configInput: CockpitConfigInput = {
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}/main`, pgBinDir: '/usr/lib/postgresql/16/bin' })),
  replication: { user: 'replication' },
  backups: { dir: '/srv/backups' },
};
const config = configSchema.parse(configInput);
const now = new Date('2026-11-30T13:45:01.123Z');
const SETTINGS = { wal_level: 'replica', max_wal_senders: '10' };

function facts(overrides: Partial<BaseBackupFacts> = {}, settings: Record<string, string> = SETTINGS, version = { version: '16.4', versionNum: 160004 }): BaseBackupFacts {
  const nodes = healthyCluster().map((node) => withServer(node, { settings, ...version }));
  return {
    view: buildClusterView(nodes, DEFAULT_THRESHOLDS, NOW),
    extras: {
      pg1: { primaryConninfo: '', transactionReadOnly: false, recoveryTargetTimeline: 'latest', primarySlotName: '', systemIdentifier: '7400000000000000001' },
      pg2: { primaryConninfo: "host=pg1.example port=5432 user=replication password='s3cret pass' sslmode=prefer application_name=walreceiver", transactionReadOnly: true, recoveryTargetTimeline: 'latest', primarySlotName: 'slot_pg2', systemIdentifier: '7400000000000000001' },
    },
    pgBasebackup: { path: '/usr/lib/postgresql/16/bin/pg_basebackup', version: 'pg_basebackup (PostgreSQL) 16.4', major: 16 },
    pgVerifybackup: { path: '/usr/lib/postgresql/16/bin/pg_verifybackup', version: 'pg_verifybackup (PostgreSQL) 16.4', major: 16 },
    folder: { folder: '/srv/backups/test/.base', exists: true, writable: true, owner: 'postgres', mode: '750', freeBytes: 100 * GiB },
    databaseBytes: 2 * GiB,
    logins: { pg1: { ok: true, detail: 'IDENTIFY_SYSTEM answered: system 7400000000000000001, timeline 1' } },
    ...overrides,
  };
}
const failing = (plan: ReturnType<typeof planBaseBackup>) => plan.checks.filter((check) => check.status === 'fail').map((check) => `${check.label}: ${check.observed}${check.fix ? ` (${check.fix})` : ''}`);

describe('planBaseBackup', () => {
  it('backs up a local node on its own host as its OS user: catalog entry, pg_basebackup, read back, pg_verifybackup, complete', () => {
    const plan = planBaseBackup(config, facts(), 'pg1', { now });
    expect(failing(plan)).toEqual([]);
    expect(plan).toMatchObject({ id: 'base-20261130T134501Z', path: '/srv/backups/test/.base/20261130T134501Z', host: 'pg1', format: 'plain', confirmWord: 'pg1' });
    expect(plan.checks.find((check) => check.label === 'where pg_basebackup runs')?.observed).toBe('pg1 is on this machine: here as postgres');
    expect(plan.steps.map((step) => step.description)).toEqual([
      'record the base backup in the catalog as running',
      'copy pg1 with pg_basebackup as postgres (plain)',
      'read the backup back: backup_label, end point, size',
      'verify the backup against its manifest with pg_verifybackup',
      'rename it and record it complete',
    ]);
    expect(plan.steps.every((step) => step.node === 'pg1')).toBe(true);
    // The password is not in the plan: pg_basebackup gets it in PGPASSWORD.
    const copy = plan.steps[1]!.detail;
    expect(copy).toContain('/usr/lib/postgresql/16/bin/pg_basebackup -d');
    expect(copy).toContain('-D /srv/backups/test/.base/20261130T134501Z.partial --format plain --checkpoint=fast --wal-method=stream --label pgcockpit-20261130T134501Z --manifest-checksums=SHA256 --progress --verbose');
    expect(copy).not.toContain('s3cret');
    expect(plan.checks.find((check) => check.label === 'the replication login')?.observed).toBe("credentials from pg2's primary_conninfo");
    expect(plan.retryCommand).toBe('pgcockpit basebackup --node pg1 --yes');
  });

  it('runs on backups.host when the config names one, and refuses an ssh node without it, naming the fix', () => {
    const withSsh = configSchema.parse({ ...configInput, nodes: configInput.nodes.map((node) => ({ ...node, ssh: { host: node.host } })) });
    const refused = planBaseBackup(withSsh, facts(), 'pg2', { now });
    expect(refused.blocked).toBe(true);
    expect(failing(refused)).toEqual([
      'where pg_basebackup runs: pg2 is reached over ssh (10.0.0.2) and the config names no backups.host: the backup would be written here by whoever runs pgcockpit, not by the server\'s OS user (set backups.host to the node whose host holds backups.dir (pg_basebackup then runs there as that node\'s OS user): backups: { dir: /srv/backups, host: pg2 })',
    ]);
    expect(refused.steps).toEqual([]);
    const onHost = configSchema.parse({ ...configInput, nodes: withSsh.nodes, backups: { dir: '/srv/backups', host: 'pg3' } });
    const plan = planBaseBackup(onHost, facts({ logins: { pg3: { ok: true, detail: 'ok' } } }), 'pg2', { now, format: 'tar' });
    expect(failing(plan)).toEqual([]);
    expect(plan.host).toBe('pg3');
    expect(plan.path).toBe('/srv/backups/test/.base/20261130T134501Z.tar');
    expect(plan.steps.every((step) => step.node === 'pg3')).toBe(true);
    expect(plan.checks.map((check) => check.label)).toContain("pg3's host can log in to pg2 for replication (psql replication=true from its host as postgres)");
    // pg_verifybackup reads tar from 18 on: no verify step, and the plan says so.
    expect(plan.steps.map((step) => step.description)).not.toContain('verify the backup against its manifest with pg_verifybackup');
    expect(plan.warnings.join('\n')).toContain('pg_verifybackup reads tar-format backups from PostgreSQL 18 on');
  });

  it('refuses wal_level minimal, too few walsenders, an older pg_basebackup, a folder the OS user cannot write, no room, a failed login: nothing to run', () => {
    const plan = planBaseBackup(
      config,
      facts(
        {
          pgBasebackup: { path: '/usr/bin/pg_basebackup', version: 'pg_basebackup (PostgreSQL) 15.8', major: 15 },
          folder: { folder: '/srv/backups/test/.base', exists: false, writable: false, probe: '/srv/backups', owner: 'root', mode: '755', freeBytes: 1 * GiB },
          logins: { pg1: { ok: false, detail: 'no pg_hba.conf entry for replication connection from host "10.0.0.1", user "replication", no encryption' } },
        },
        { wal_level: 'minimal', max_wal_senders: '0' },
      ),
      'pg1',
      { now },
    );
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
    const reasons = failing(plan).join('\n');
    expect(reasons).toContain('wal_level is replica or logical: minimal (alter system set wal_level = replica on pg1, then restart it');
    expect(reasons).toContain('two walsenders free (the copy and its WAL stream): max_wal_senders 0, 2 in use');
    expect(reasons).toContain('pg_basebackup ≥ 16 on the backups host: /usr/bin/pg_basebackup: pg_basebackup (PostgreSQL) 15.8');
    expect(reasons).toContain('/srv/backups/test/.base is writable by postgres: missing, and /srv/backups (owner root) is not writable by postgres (as root on this machine: install -d -o postgres -m 0750 /srv/backups/test/.base)');
    expect(reasons).toContain('room for the copy in /srv/backups/test/.base: 1 GB free, pg1\'s databases take 2 GB');
    expect(reasons).toContain('host replication replication 10.0.0.1/32 scram-sha-256');
  });

  it("verifies with another major's pg_verifybackup without parsing the WAL (-n): pg_waldump reads its own major's WAL only", () => {
    const same = planBaseBackup(config, facts(), 'pg1', { now });
    expect(same.steps[3]!.detail).toBe('/usr/lib/postgresql/16/bin/pg_verifybackup /srv/backups/test/.base/20261130T134501Z.partial');
    const newer = planBaseBackup(
      config,
      facts({
        pgBasebackup: { path: '/usr/lib/postgresql/17/bin/pg_basebackup', version: 'pg_basebackup (PostgreSQL) 17.2', major: 17 },
        pgVerifybackup: { path: '/usr/lib/postgresql/17/bin/pg_verifybackup', version: 'pg_verifybackup (PostgreSQL) 17.2', major: 17 },
      }),
      'pg1',
      { now },
    );
    expect(failing(newer)).toEqual([]);
    expect(newer.steps[3]!.detail).toBe('/usr/lib/postgresql/17/bin/pg_verifybackup -n /srv/backups/test/.base/20261130T134501Z.partial');
    expect(newer.warnings.join('\n')).toContain("pg_verifybackup 17 checks the files against the manifest but cannot parse PostgreSQL 16's WAL (-n)");
  });

  it('takes --node standby as a caught-up standby (sparing the primary), as a dump does', () => {
    const plan = planBaseBackup(config, facts({ logins: { pg2: { ok: true, detail: 'ok' } } }), 'standby', { now });
    expect(failing(plan)).toEqual([]);
    expect(plan).toMatchObject({ target: 'pg2', confirmWord: 'pg2', title: 'base backup of pg2', host: 'pg2', retryCommand: 'pgcockpit basebackup --node standby --yes' });
  });

  it('on PostgreSQL 12 writes no manifest and says it cannot be verified', () => {
    const plan = planBaseBackup(config, facts({ pgBasebackup: { path: 'pg_basebackup', version: 'pg_basebackup (PostgreSQL) 12.20', major: 12 } }, SETTINGS, { version: '12.20', versionNum: 120020 }), 'pg1', { now });
    expect(failing(plan)).toEqual([]);
    expect(plan.warnings.join('\n')).toContain('writes no backup manifest');
    expect(plan.steps[1]!.detail).not.toContain('--manifest-checksums');
    expect(plan.steps.map((step) => step.description)).not.toContain('verify the backup against its manifest with pg_verifybackup');
  });
});

describe('the base backup login', () => {
  it("takes the first primary_conninfo with a password or passfile, with its options, pointed at the node; else the config's", () => {
    const found = baseBackupConninfo({ host: 'db1', port: 5433, user: 'replication', sources: [{ from: 'pg1', conninfo: '' }, { from: 'pg2', conninfo: "host=x port=1 user=repl password='a b' sslmode=require application_name=walreceiver" }] });
    expect(found).toEqual({ conninfo: "host=db1 port=5433 user=repl password='a b' sslmode=require application_name=pgcockpit_basebackup", credentialsFrom: "pg2's primary_conninfo" });
    const config = baseBackupConninfo({ host: 'db1', port: 5432, user: 'replication', passfile: '/etc/pgcockpit/pgpass', sources: [{ from: 'pg2', conninfo: 'host=x user=replication' }] });
    expect(config.conninfo).toBe('host=db1 port=5432 user=replication passfile=/etc/pgcockpit/pgpass application_name=pgcockpit_basebackup');
    expect(config.credentialsFrom).toContain('replication.passfile /etc/pgcockpit/pgpass');
  });

  it('puts the password in PGPASSWORD, never in argv', () => {
    const plan = planBaseBackup(config, facts(), 'pg1', { now, maxRateKbps: 1024 });
    expect(plan.steps[1]!.detail).toContain('--max-rate 1024k');
    const spec = pgBasebackupCommand({
      config,
      node: config.nodes[0]!,
      host: config.nodes[0]!,
      runnerName: 'pg1',
      paths: baseBackupPaths('/srv/backups', 'test', 'plain', now),
      format: 'plain',
      conninfo: "host=db1 port=5432 user=replication password='s3cret'",
      pgBasebackup: 'pg_basebackup',
      pgBasebackupVersion: '',
      manifest: true,
      serverVersion: '16.4',
    });
    expect(spec.args.join(' ')).not.toContain('s3cret');
    expect(spec.env).toMatchObject({ PGPASSWORD: 's3cret', LC_MESSAGES: 'C' });
  });
});

describe('backup_label and pg_basebackup --verbose', () => {
  it('reads the label, the end point and the manifest checksum', () => {
    const label = parseBackupLabel(
      'START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\nCHECKPOINT LOCATION: 0/2000060\nBACKUP METHOD: streamed\nBACKUP FROM: standby\nSTART TIME: 2022-04-24 18:16:29 KST\nLABEL: pgcockpit-20220424T091629Z\nSTART TIMELINE: 3\n',
    );
    expect(label).toEqual({ startLsn: '0/2000028', startWalFile: '000000010000000000000002', checkpointLsn: '0/2000060', backupFrom: 'standby', startTimeText: '2022-04-24 18:16:29 KST', label: 'pgcockpit-20220424T091629Z', timeline: 3 });
    expect(startTimeLocal(label.startTimeText!)).toBe('2022-04-24 18:16:29');
    expect(walEndPoint('pg_basebackup: write-ahead log end point: 0/A000100')).toBe('0/A000100');
    expect(walEndPoint('pg_basebackup: write-ahead log start point: 0/2000028 on timeline 1')).toBeUndefined();
    expect(manifestChecksum(`"Checksum-Algorithm": "SHA256" }\n],\n"Manifest-Checksum": "${'ab'.repeat(32)}"}\n`)).toBe('ab'.repeat(32));
  });
});

describe('the base backup catalog', () => {
  const entry = (at: string, status: BaseBackupEntry['status']): BaseBackupEntry => {
    const paths = baseBackupPaths('/srv/backups', 'test', 'plain', new Date(at));
    return { id: paths.id, kind: 'basebackup', path: paths.path, host: 'pg1', osUser: 'postgres', cluster: 'test', node: 'pg1', format: 'plain', serverVersion: '16.4', pgBasebackupVersion: 'pg_basebackup (PostgreSQL) 16.4', label: `pgcockpit-${paths.stamp}`, startedAt: at, manifest: true, status };
  };

  it('names backups by UTC time beside their entries, and lists them newest first with the unreadable ones reported', () => {
    const paths = baseBackupPaths('/srv/backups', '.odd/name', 'tar', now);
    expect(paths).toEqual({
      id: 'base-20261130T134501Z',
      stamp: '20261130T134501Z',
      folder: '/srv/backups/_odd_name/.base',
      path: '/srv/backups/_odd_name/.base/20261130T134501Z.tar',
      partial: '/srv/backups/_odd_name/.base/20261130T134501Z.partial',
      entry: '/srv/backups/_odd_name/.base/20261130T134501Z.json',
    });
    expect(baseBackupEntryFile({ path: paths.path })).toBe(paths.entry);
    const older = entry('2026-11-29T10:00:00.000Z', 'complete');
    const newer = entry('2026-11-30T10:00:00.000Z', 'cancelled');
    const output = [
      '',
      '==> 20261129T100000Z.json <==',
      JSON.stringify(older, null, 2),
      '',
      '==> 20261130T100000Z.json <==',
      JSON.stringify(newer, null, 2),
      '==> broken.json <==',
      '{',
      '==> secret.json <==',
      'unreadable by dba',
    ].join('\n');
    const listing = parseBaseBackupListing(output, '/srv/backups/test/.base');
    expect(listing.entries.map((item) => [item.id, item.status])).toEqual([
      ['base-20261130T100000Z', 'cancelled'],
      ['base-20261129T100000Z', 'complete'],
    ]);
    expect(listing.problems).toHaveLength(2);
    expect(listing.problems[0]).toMatch(/^\/srv\/backups\/test\/\.base\/broken\.json: /);
    expect(listing.problems[1]).toBe('/srv/backups/test/.base/secret.json: unreadable by dba');
  });

  it('writes an entry through stdin into a temporary name renamed over it', () => {
    const spec = writeBaseBackupEntrySpec(entry('2026-11-30T10:00:00.000Z', 'running'));
    expect(spec.args.at(-1)).toBe('/srv/backups/test/.base/20261130T100000Z.json');
    expect(spec.args[1]).toContain('mv -f --');
    expect(JSON.parse(spec.stdin!)).toMatchObject({ id: 'base-20261130T100000Z', status: 'running' });
    expect(spec.mutating).toBe(true);
  });
});

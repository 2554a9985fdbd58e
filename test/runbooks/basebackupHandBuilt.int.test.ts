import { execa } from 'execa';
import { access, appendFile, chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseBackupFolder, listBaseBackups } from '../../src/services/backups/baseBackupCatalog.js';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { pgVerifybackupFor, verifyBaseBackupAndRecord } from '../../src/services/backups/baseBackupVerify.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { executePlan, PlanBlockedError } from '../../src/services/runbooks/executePlan.js';
import { prepareBaseBackup } from '../../src/services/runbooks/basebackup/prepareBaseBackup.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli } from '../support/runCli.js';
import { waitFor } from '../support/waitFor.js';
import { stringify } from 'yaml';

/**
 * `pgcockpit basebackup` on a cluster built by hand (the replication
 * password only in the standby's primary_conninfo, the port in
 * postgresql.conf, the runbook's `test ! -f && cp` archive), run as root
 * here: pg_basebackup must still run as the server's OS user. A plain backup
 * of the primary and a tar one of the standby, checked on disk and in the
 * catalog; a folder the OS user may not write refused with nothing written;
 * a cancel during the copy leaves no complete entry and no partial copy.
 */
describe('base backups on a hand-built cluster', () => {
  let hand: HandBuiltCluster;
  let config: CockpitConfig;
  let runners: NodeRunners;
  let backupsDir: string;
  let configFile: string;
  const catalog = async () => {
    const listing = await listBaseBackups(localRunner(hand.osUser), backupsDir, config.cluster);
    expect(listing.problems).toEqual([]);
    return listing.entries;
  };
  const secrets = () => [hand.replicationPassword, hand.superuserPassword, hand.monitorPassword];
  const run = async (node: string, options: Parameters<typeof prepareBaseBackup>[2] = {}, onEvent?: (event: PlanEvent, cancel: AbortController) => void) => {
    const plan = await prepareBaseBackup(config, node, options, { runners });
    const cancel = new AbortController();
    const lines: string[] = [];
    const outcome = await executePlan(plan, { config, readOnly: false, runners, cancel: cancel.signal, log: (line) => lines.push(line), ...(onEvent ? { onEvent: (event) => onEvent(event, cancel) } : {}) });
    return { plan, outcome, log: lines.join('\n') };
  };
  const notOwnedBy = async (dir: string, user: string) => String((await execa('find', [dir, '!', '-user', user, '-print'], { reject: false })).stdout);

  beforeAll(async () => {
    hand = await startHandBuiltCluster({ standbys: 1 });
    backupsDir = path.join(hand.root, 'backups');
    config = { ...hand.config, backups: { dir: backupsDir } };
    runners = createNodeRunners(config, { readOnly: false });
    configFile = path.join(hand.root, 'with-backups.yaml');
    await writeFile(configFile, stringify({ ...JSON.parse(JSON.stringify(hand.config)), backups: { dir: backupsDir } }));
    await hand.superQuery('pg1', "create table orders (id int primary key, note text); insert into orders select i, repeat('x', 200) from generate_series(1, 50000) i");
  });
  afterAll(async () => {
    await runners?.close();
    await hand?.destroy();
  });

  it('takes a plain base backup of the primary as the OS user: files its own, 0700, backup_label, verified, complete in the catalog with LSNs, timeline and end time', async () => {
    const before = Date.now();
    const { plan, outcome, log } = await run('pg1');
    expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
    expect(plan.checks.find((check) => check.label === 'the replication login')?.observed).toBe("credentials from pg2's primary_conninfo");
    expect(outcome.succeeded, log).toBe(true);
    for (const secret of secrets()) expect(log).not.toContain(secret);
    expect(log).toMatch(/pg_basebackup .*--checkpoint=fast .*--wal-method=stream --label pgcockpit-\d{8}T\d{6}Z --manifest-checksums=SHA256 --progress --verbose/);
    expect(log).toContain('local as ' + hand.osUser.name);

    const [entry] = await catalog();
    expect(entry).toMatchObject({ id: plan.id, kind: 'basebackup', node: 'pg1', host: 'pg1', osUser: hand.osUser.name, format: 'plain', status: 'complete', manifest: true, timeline: 1 });
    const backup = entry as BaseBackupEntry;
    expect(backup.path).toBe(path.join(baseBackupFolder(backupsDir, config.cluster), backup.id.replace(/^base-/, '')));
    expect(backup.label).toBe(`pgcockpit-${backup.id.replace(/^base-/, '')}`);
    expect(backup.startLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(backup.endLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(backup.systemIdentifier).toBe(String((await hand.superQuery('pg1', 'select system_identifier::text as id from pg_control_system()'))[0]?.id));
    expect(backup.walSegmentBytes).toBe(16 * 1024 * 1024);
    expect(backup.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(backup.sizeBytes).toBeGreaterThan(10 * 1024 * 1024);
    // Times: ISO with an offset, in order, within the test's run.
    for (const time of [backup.startTime!, backup.endTime!, backup.verifiedAt!, backup.finishedAt!]) expect(time).toMatch(/Z$/);
    expect(Date.parse(backup.startTime!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(backup.endTime!)).toBeGreaterThanOrEqual(Date.parse(backup.startTime!));
    expect(Date.parse(backup.verifiedAt!)).toBeGreaterThanOrEqual(Date.parse(backup.endTime!));

    // On disk: a data directory, 0700, every file the OS user's, backup_label saying what the catalog says.
    expect(((await stat(backup.path)).mode & 0o777).toString(8)).toBe('700');
    expect(await notOwnedBy(path.dirname(backup.path), hand.osUser.name)).toBe('');
    const label = await readFile(path.join(backup.path, 'backup_label'), 'utf8');
    expect(label).toContain(`START WAL LOCATION: ${backup.startLsn} `);
    expect(label).toContain(`LABEL: ${backup.label}`);
    expect(label).toContain('START TIMELINE: 1');
    await access(path.join(backup.path, 'backup_manifest'));
    // pg_verifybackup ran in the plan, and passes again now.
    expect(log).toMatch(/pg_verifybackup/);
    const verify = await execa(path.join(hand.pgBinDir, 'pg_verifybackup'), [backup.path], { reject: false, uid: hand.osUser.uid, gid: hand.osUser.gid });
    expect(verify.exitCode, String(verify.stderr)).toBe(0);
    // Its end LSN is where pg_basebackup's backup ended on the server: in the primary's past.
    const [{ ahead } = { ahead: false }] = await hand.superQuery<{ ahead: boolean }>('pg1', `select pg_current_wal_lsn() >= '${backup.endLsn}'::pg_lsn as ahead`);
    expect(ahead).toBe(true);
    expect((await readdir(path.dirname(backup.path))).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('takes a tar base backup of the standby through the CLI (WAL streamed from it): base.tar and pg_wal.tar, not verified before PostgreSQL 18 and said so', async () => {
    const cli = await runCli(['basebackup', '--node', 'pg2', '--format', 'tar', '--yes', '--config', configFile], { XDG_STATE_HOME: hand.root });
    const said = cli.stdout + cli.stderr;
    expect(cli.exitCode, said).toBe(0);
    expect(said).toMatch(/pg_verifybackup reads tar-format backups from PostgreSQL 18 on/);
    expect(said).toMatch(/base-\d{8}T\d{6}Z is complete: .*\.tar on pg2/);
    for (const secret of secrets()) expect(said).not.toContain(secret);
    const entry = (await catalog()).find((candidate) => candidate.format === 'tar')!;
    expect(entry).toMatchObject({ node: 'pg2', host: 'pg2', format: 'tar', status: 'complete', timeline: 1, manifest: true });
    expect(entry.verifiedAt).toBeUndefined();
    expect(entry.path).toMatch(/\.tar$/);
    expect((await readdir(entry.path)).sort()).toEqual(['backup_manifest', 'base.tar', 'pg_wal.tar']);
    expect(await notOwnedBy(entry.path, hand.osUser.name)).toBe('');
  });

  it('pgcockpit backups lists the base backups under the dumps (and in --json by their kind); --verify and --show take their ids', async () => {
    const cli = (...args: string[]) => runCli([...args, '--config', configFile], { XDG_STATE_HOME: hand.root });
    const entries = await catalog();
    const listed = await cli('backups');
    expect(listed.exitCode, listed.stderr).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toBe('no dumps yet: pgcockpit backup --node NODE --db DB takes one');
    expect(lines).toContain('base backups (pgcockpit basebackup; recovery: pgcockpit window, pgcockpit pitr):');
    const header = lines.findIndex((line) => line.startsWith('ID '));
    expect(lines[header]).toMatch(/^ID\s+WHEN\s+AGE\s+NODE\s+FORMAT\s+SIZE\s+TOOK\s+TIMELINE\s+WAL\s+VERIFIED$/);
    const rows = lines.slice(header + 1);
    expect(rows.map((line) => line.split(/\s+/)[0])).toEqual(entries.map((entry) => entry.id));
    const plain = entries.find((entry) => entry.format === 'plain' && entry.status === 'complete')!;
    expect(rows.find((line) => line.startsWith(plain.id))).toMatch(new RegExp(`pg1\\s+plain\\s+\\d+ MB\\s+.*\\s1\\s+${plain.startLsn!.replace('/', '\\/')} → ${plain.endLsn!.replace('/', '\\/')}\\s+✓$`));
    const json = JSON.parse((await cli('backups', '--json')).stdout) as Array<{ id: string; kind: string }>;
    expect(json.map((entry) => [entry.id, entry.kind])).toEqual(entries.map((entry) => [entry.id, 'basebackup']));
    const shown = await cli('backups', '--show', plain.id);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: plain.id, kind: 'basebackup', startLsn: plain.startLsn });
    const verified = await cli('backups', '--verify', plain.id);
    expect(verified.exitCode, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toBe(`✓ ${plain.id}: pg_verifybackup found every file as its manifest says and the WAL it needs parses`);
    const tar = entries.find((entry) => entry.format === 'tar')!;
    const refused = await cli('backups', '--verify', tar.id);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain('pg_verifybackup reads tar-format backups from PostgreSQL 18 on');
  });

  it('verifies a base backup again (pg_verifybackup as the OS user, verifiedAt recorded), and finds one damaged since', async () => {
    const plain = (await catalog()).find((entry) => entry.format === 'plain' && entry.status === 'complete')!;
    const tool = pgVerifybackupFor(config, plain);
    expect(tool).toEqual({ program: path.join(hand.pgBinDir, 'pg_verifybackup'), parseWal: true });
    const runner = runners.forNode(plain.host);
    const later = new Date(Date.now() + 60_000);
    const passed = await verifyBaseBackupAndRecord(plain, runner, 'program' in tool ? tool.program : '', later);
    expect(passed.verification).toEqual({ ok: true, reasons: [] });
    expect((await catalog()).find((entry) => entry.id === plain.id)?.verifiedAt).toBe(later.toISOString());

    const tar = (await catalog()).find((entry) => entry.format === 'tar')!;
    expect(pgVerifybackupFor(config, tar)).toEqual({ refused: expect.stringContaining('pg_verifybackup reads tar-format backups from PostgreSQL 18 on') });

    // A file changed since: pg_verifybackup names it, the catalog is left as it was.
    await appendFile(path.join(plain.path, 'PG_VERSION'), 'x');
    const failed = await verifyBaseBackupAndRecord(plain, runner, 'program' in tool ? tool.program : '', new Date(Date.now() + 120_000));
    expect(failed.verification.ok).toBe(false);
    expect(failed.verification.reasons.join('\n')).toMatch(/PG_VERSION/);
    expect((await catalog()).find((entry) => entry.id === plain.id)?.verifiedAt).toBe(later.toISOString());
  });

  it('refuses a .base folder the OS user may not write, naming the install -d line; nothing is written', async () => {
    const folder = baseBackupFolder(backupsDir, config.cluster);
    const blocked = path.join(hand.root, 'blocked');
    await mkdir(path.join(blocked, config.cluster, '.base'), { recursive: true });
    await chmod(path.join(blocked, config.cluster, '.base'), 0o755);
    const other = { ...config, backups: { dir: blocked } };
    const plan = await prepareBaseBackup(other, 'pg1', {}, { runners });
    expect(plan.blocked).toBe(true);
    const check = plan.checks.find((candidate) => candidate.status === 'fail')!;
    expect(check.label).toBe(`${path.join(blocked, config.cluster, '.base')} is writable by ${hand.osUser.name}`);
    expect(check.fix).toBe(`as root on this machine: install -d -o ${hand.osUser.name} -m 0750 ${path.join(blocked, config.cluster, '.base')}`);
    await expect(executePlan(plan, { config: other, readOnly: false, runners })).rejects.toThrow(PlanBlockedError);
    expect(await readdir(path.join(blocked, config.cluster, '.base'))).toEqual([]);
    expect(folder).not.toBe(path.join(blocked, config.cluster, '.base'));
  });

  it('refuses a node reached over ssh when no backups.host is set, naming the fix; --dry-run through the CLI prints the plan and writes nothing', async () => {
    const remote = { ...config, nodes: config.nodes.map((node) => (node.name === 'pg2' ? { ...node, ssh: { host: 'db2.example', acceptNewHostKeys: false } } : node)) };
    const plan = await prepareBaseBackup(remote, 'pg2', {}, { runners });
    expect(plan.blocked).toBe(true);
    expect(plan.blockedReasons.join('\n')).toMatch(/pg2 is reached over ssh \(db2\.example\) and the config names no backups\.host/);
    expect(plan.blockedReasons.join('\n')).toContain('set backups.host');

    const before = await catalog();
    const dry = await runCli(['basebackup', '--node', 'pg2', '--dry-run', '--config', configFile], { XDG_STATE_HOME: hand.root });
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/pg_basebackup -d .*--wal-method=stream/);
    for (const secret of secrets()) expect(dry.stdout + dry.stderr).not.toContain(secret);
    expect(await catalog()).toEqual(before);
  });

  it('a pg_basebackup that fails (the role lost REPLICATION after the plan) records the entry failed with its reason, the partial copy removed', async () => {
    const plan = await prepareBaseBackup(config, 'pg1', {}, { runners });
    expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
    await hand.superQuery('pg1', 'alter role replication noreplication');
    try {
      const lines: string[] = [];
      const outcome = await executePlan(plan, { config, readOnly: false, runners, log: (line) => lines.push(line) });
      expect(outcome.succeeded).toBe(false);
      expect(outcome.failedStep?.number, lines.join('\n')).toBe(2);
      expect(outcome.advice).toBe(`${plan.id} is recorded failed, its partial copy removed; to take it again: pgcockpit basebackup --node pg1 --yes`);
      const entry = (await catalog()).find((candidate) => candidate.id === plan.id)!;
      expect(entry.status).toBe('failed');
      expect(entry.error).toMatch(/replication/);
      expect(entry.finishedAt).toBeDefined();
      expect((await readdir(baseBackupFolder(backupsDir, config.cluster))).filter((name) => name.includes('partial'))).toEqual([]);
      for (const secret of secrets()) expect(lines.join('\n')).not.toContain(secret);
    } finally {
      await hand.superQuery('pg1', 'alter role replication replication');
    }
  });

  it('a cancel during the copy stops pg_basebackup, removes the partial copy and records the entry cancelled: no complete entry', async () => {
    const before = (await catalog()).filter((entry) => entry.status === 'complete').length;
    let cancelledAt: number | undefined;
    const { plan, outcome, log } = await run('pg1', { maxRateKbps: 32 }, (event, cancel) => {
      // The first progress report: pg_basebackup is copying (at 32 kB/s it would take minutes).
      if (event.type === 'job-progress' && cancelledAt === undefined) {
        cancelledAt = Date.now();
        cancel.abort('SIGINT');
      }
    });
    expect(cancelledAt, log).toBeDefined();
    expect(outcome.cancelled, log).toBeDefined();
    expect(outcome.cancelled?.nothingLeftChanged, log).toBe(true);
    const entries = await catalog();
    const entry = entries.find((candidate) => candidate.id === plan.id)!;
    expect(entry.status).toBe('cancelled');
    expect(entries.filter((candidate) => candidate.status === 'complete')).toHaveLength(before);
    const folder = baseBackupFolder(backupsDir, config.cluster);
    expect((await readdir(folder)).filter((name) => name.includes('partial'))).toEqual([]);
    await expect(stat(entry.path)).rejects.toThrow();
    // No pg_basebackup left running; the walsender serving it notices the broken connection and ends, and its temporary slot goes with it.
    const label = `pgcockpit-${plan.id!.replace(/^base-/, '')}`;
    const left = await execa('pgrep', ['-a', '-f', `pg_basebackup .*${label}`], { reject: false });
    expect(String(left.stdout)).toBe('');
    await waitFor(async () => String((await execa('pgrep', ['-f', `sending backup "${label}"`], { reject: false })).stdout) === '', 'the walsender ended', 30_000);
    await waitFor(async () => (await hand.superQuery('pg1', "select slot_name from pg_replication_slots where slot_name like 'pg_basebackup_%'")).length === 0, 'the temporary slot gone');
  });
});

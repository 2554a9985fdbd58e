import { randomBytes } from 'node:crypto';
import { appendFile, chown, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { CockpitConfig, NodeConfig } from '../../src/services/config/schema.js';
import { configSchema } from '../../src/services/config/schema.js';
import { freePort } from '../../src/services/os/freePort.js';
import type { OsUser } from '../../src/services/os/osUser.js';
import { serverOsUser } from '../../src/services/os/osUser.js';
import { makeOwnedDir, writeOwnedFile } from '../../src/services/os/ownedPath.js';
import { firstBlockingAncestor } from '../../src/services/os/reachableBy.js';
import { confLines } from '../../src/services/postgres/confValue.js';
import { withNodeClient } from '../../src/services/postgres/connectNode.js';
import { findPgBinDir } from '../../src/services/postgres/findPgBinDir.js';
import { pgCtlStart } from '../../src/services/postgres/pgCtl.js';
import { slotNameFor } from '../../src/services/postgres/slotName.js';
import { waitForStreaming } from '../../src/services/postgres/waitForStreaming.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runChecked, runCollected } from '../../src/services/runner/runChecked.js';
import { destroySandbox } from '../../src/services/sandbox/destroySandbox.js';
import { SANDBOX_SUPERUSER, sandboxConfig, sandboxConfigYaml } from '../../src/services/sandbox/sandboxConfig.js';
import type { SandboxLayout } from '../../src/services/sandbox/sandboxLayout.js';
import { sandboxLayout, sandboxNodeNames } from '../../src/services/sandbox/sandboxLayout.js';
import { NODE_CONF, nodeSettings, sandboxHba, sharedSettings } from '../../src/services/sandbox/sandboxSettings.js';
import { pgBinDirFor } from './pgVersions.js';
import type { TestCluster } from './testCluster.js';

export interface VersionCluster extends TestCluster {
  major: number;
  /** server_version_num of the primary, e.g. 120022. */
  versionNum: number;
  /** The package's own bin directory (postgres, initdb, pg_ctl only). */
  serverBinDir: string;
}

const REPLICATION_USER = 'replication';
const SLOT_PATTERN = 'slot_{node}';
/** The server programs the embedded package ships. */
const SERVER_PROGRAMS = ['postgres', 'initdb', 'pg_ctl'];
/**
 * Client programs the runbooks run from the node's pgBinDir, taken from this
 * machine's own PostgreSQL (libpq and psql speak to every major from 12 on).
 */
const CLIENT_PROGRAMS = ['psql'];
/**
 * Not a client program, and absent from the package: the failover's
 * pre-flight runs pg_controldata from the node's pgBinDir to read the data
 * directory's system identifier before it restarts a standby (PostgreSQL 12
 * re-points by restart). That identifier is the first field of global/pg_control
 * in every major, so this machine's pg_controldata reads it right on any of
 * them (it may warn that the CRC does not match where the layout after it differs), and
 * the check compares it with pg_control_system() over SQL, so a misread would
 * fail it. A stand-in for the test machine only: a real server host has its
 * own major's pg_controldata beside postgres.
 */
const STAND_IN_PROGRAMS = ['pg_controldata'];

/**
 * A sandbox-shaped cluster (same layout, settings, config and archive) on a
 * chosen PostgreSQL major from the npm registry's embedded packages. Those
 * lack pg_basebackup, so the standbys are made the way the manual's "Making
 * a Base Backup Using the Low Level API" does: a non-exclusive backup started
 * over SQL, the data directory copied by the server's OS user, the
 * backup_label the stop function returns written into each copy, then
 * standby.signal, primary_conninfo and primary_slot_name (PostgreSQL >= 12:
 * no recovery.conf). Both standbys come from one backup; their slots are
 * created (reserving WAL at once) before it starts.
 *
 * The config's pgBinDir is a directory of links: the package's server
 * programs, this machine's psql (the replication-login pre-flight runs it
 * from the node's pgBinDir) and its pg_controldata as a stand-in (see
 * STAND_IN_PROGRAMS). The package has no pg_basebackup or pg_rewind.
 */
export async function startVersionCluster(major: number, standbyCount = 2, options: VersionClusterOptions = {}): Promise<VersionCluster> {
  try {
    return await buildVersionCluster(major, standbyCount, options);
  } catch (first) {
    // As startTestCluster: a free port handed out can be taken by another test's process before the
    // server binds it. One more try on fresh ports; if that fails too, both errors are shown.
    try {
      return await buildVersionCluster(major, standbyCount, options);
    } catch (second) {
      throw new Error(`${String(second)}\n(first try: ${String(first)})`);
    }
  }
}

export interface VersionClusterOptions {
  /** More settings for every node's postgresql.conf (the standbys copy the primary's), e.g. wal_level: 'logical'. */
  settings?: Record<string, string | number | boolean>;
  /** More keywords for the standbys' primary_conninfo, e.g. dbname (slot sync needs one). */
  conninfo?: Record<string, string>;
}

async function buildVersionCluster(major: number, standbyCount: number, options: VersionClusterOptions): Promise<VersionCluster> {
  const osUser = await serverOsUser();
  const serverBinDir = await pgBinDirFor(major);
  const blocked = await firstBlockingAncestor(serverBinDir, osUser);
  if (blocked) {
    throw new Error(
      `${osUser.name} cannot reach the PostgreSQL ${major} binaries in ${serverBinDir}: ${blocked.dir} (mode ${blocked.mode.toString(8)}) does not let it in; ` +
        `set PGCOCKPIT_PG_CACHE to a directory ${osUser.name} can reach`,
    );
  }
  const clientBinDir = await findPgBinDir();
  const layout = sandboxLayout(await mkdtemp(path.join(os.tmpdir(), `pgcockpit-pg${major}-`)));
  const pgBinDir = path.join(layout.root, 'bin');
  const names = sandboxNodeNames(standbyCount + 1);
  const [primaryName, ...standbyNames] = names as [string, ...string[]];
  const ports = await Promise.all(names.map(() => freePort()));
  const configInput = sandboxConfig({
    layout,
    nodes: names.map((name, i) => ({ name, port: ports[i]! })),
    osUser: osUser.name,
    pgBinDir,
    replicationUser: REPLICATION_USER,
    slotNamePattern: SLOT_PATTERN,
  });
  // The sample database is the sandbox's business; the matrix looks at replication only.
  for (const node of configInput.nodes) node.database = 'postgres';
  const config = configSchema.parse(configInput);
  const node = (name: string): NodeConfig => {
    const found = config.nodes.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no node ${name} in the PostgreSQL ${major} cluster`);
    return found;
  };
  const runner = localRunner(osUser);
  const tool = (program: string, args: string[]) => runChecked(runner, { program: path.join(pgBinDir, program), args, mutating: true });
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await destroySandbox({ layout, pgBinDir, osUser, stopMode: 'immediate' });
  };

  let versionNum = 0;
  try {
    await makeOwnedDir(layout.root, osUser, 0o750);
    await writeOwnedFile(layout.marker, `A pgcockpit test cluster on PostgreSQL ${major}.\n`, osUser, 0o644);
    await makeOwnedDir(layout.archiveDir, osUser, 0o750);
    await makeOwnedDir(layout.backupsDir, osUser, 0o750);
    await makeOwnedDir(pgBinDir, osUser, 0o755);
    for (const program of SERVER_PROGRAMS) await symlink(path.join(serverBinDir, program), path.join(pgBinDir, program));
    for (const program of [...CLIENT_PROGRAMS, ...STAND_IN_PROGRAMS]) await symlink(path.join(clientBinDir, program), path.join(pgBinDir, program));
    for (const name of names) await makeOwnedDir(layout.nodeDir(name), osUser, 0o750);

    const superuserPassword = randomBytes(18).toString('base64url');
    const replicationPassword = randomBytes(18).toString('base64url');
    await writeOwnedFile(
      layout.passfile,
      `127.0.0.1:*:*:${SANDBOX_SUPERUSER}:${superuserPassword}\n127.0.0.1:*:*:${REPLICATION_USER}:${replicationPassword}\n`,
      osUser,
    );

    const primaryData = layout.dataDir(primaryName);
    const pwfile = path.join(layout.nodeDir(primaryName), '.initdb-pw');
    await writeOwnedFile(pwfile, `${superuserPassword}\n`, osUser);
    try {
      await tool('initdb', ['-D', primaryData, '-U', SANDBOX_SUPERUSER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale']);
    } finally {
      await rm(pwfile, { force: true });
    }
    await appendOwned(path.join(primaryData, 'postgresql.conf'), sharedSettings(layout.archiveDir) + (options.settings ? confLines(options.settings) : ''), osUser);
    await writeOwnedFile(path.join(primaryData, 'pg_hba.conf'), sandboxHba(REPLICATION_USER), osUser);
    await writeOwnedFile(path.join(primaryData, NODE_CONF), nodeSettings(primaryName, node(primaryName).port), osUser);
    await pgCtlStart({ pgBinDir, dataDir: primaryData, runner }, layout.logFile(primaryName));

    const backupLabel = await withNodeClient(node(primaryName), config, async (client) => {
      versionNum = (await client.query<{ v: number }>("select current_setting('server_version_num')::int as v")).rows[0]!.v;
      await client.query(`create role ${REPLICATION_USER} with replication login password ${client.escapeLiteral(replicationPassword)}`);
      // immediately_reserve: the slots hold WAL from before the backup starts, so the copies can stream all they need.
      for (const standby of standbyNames) await client.query('select pg_create_physical_replication_slot($1, true)', [slotNameFor(SLOT_PATTERN, standby)]);
      return lowLevelBackup(client, versionNum, async () => {
        await Promise.all(standbyNames.map((standby) => copyDataDir(runner, primaryData, layout.dataDir(standby), osUser)));
      });
    });

    await Promise.all(
      standbyNames.map(async (standby) => {
        const dataDir = layout.dataDir(standby);
        await writeOwnedFile(path.join(dataDir, 'backup_label'), backupLabel, osUser);
        await writeOwnedFile(path.join(dataDir, 'standby.signal'), '', osUser);
        await writeOwnedFile(path.join(dataDir, NODE_CONF), nodeSettings(standby, node(standby).port), osUser);
        // Where pg_basebackup -R puts them, and where pgcockpit's ALTER SYSTEM re-pointing changes them.
        const extra = Object.entries(options.conninfo ?? {}).map(([key, value]) => ` ${key}=${value}`).join('');
        const conninfo = `host=127.0.0.1 port=${node(primaryName).port} user=${REPLICATION_USER} passfile=${layout.passfile} application_name=${standby}${extra}`;
        await appendOwned(
          path.join(dataDir, 'postgresql.auto.conf'),
          confLines({ primary_conninfo: conninfo, primary_slot_name: slotNameFor(SLOT_PATTERN, standby) }),
          osUser,
        );
        await pgCtlStart({ pgBinDir, dataDir, runner }, layout.logFile(standby));
      }),
    );
    await waitForStreaming(node(primaryName), config, standbyNames, 30_000);
    await writeFile(layout.configFile, sandboxConfigYaml(configInput, layout.root), { mode: 0o644 });
  } catch (error) {
    const logs = await serverLogs(layout, names);
    await destroy().catch(() => undefined);
    throw new Error(`PostgreSQL ${major} test cluster: ${error instanceof Error ? error.message : String(error)}\n${logs}`);
  }

  return {
    major,
    versionNum,
    serverBinDir,
    config,
    layout,
    osUser,
    pgBinDir,
    node,
    query: async <Row extends pg.QueryResultRow>(name: string, sql: string, params?: unknown[]) =>
      withNodeClient(node(name), config, async (client) => (await client.query<Row>(sql, params)).rows),
    destroy,
  };
}

/**
 * A non-exclusive base backup around `copy`, on one session (the backup ends
 * if the session does): pg_backup_start/pg_backup_stop from PostgreSQL 15,
 * pg_start_backup(label, fast, exclusive => false)/pg_stop_backup(false,
 * wait_for_archive) before (15 removed the exclusive mode and renamed both).
 * Returns the backup_label the copy needs.
 */
async function lowLevelBackup(client: pg.Client, versionNum: number, copy: () => Promise<void>): Promise<string> {
  const renamed = versionNum >= 150000;
  await client.query(renamed ? 'select pg_backup_start($1, true)' : 'select pg_start_backup($1, true, false)', ['pgcockpit matrix']);
  try {
    await copy();
  } catch (error) {
    await client.query(renamed ? 'select pg_backup_stop(false)' : 'select pg_stop_backup(false, false)').catch(() => undefined);
    throw error;
  }
  const result = await client.query<{ labelfile: string }>(
    renamed ? 'select labelfile from pg_backup_stop(true)' : 'select labelfile from pg_stop_backup(false, true)',
  );
  const label = result.rows[0]?.labelfile;
  if (!label) throw new Error('the backup stop function returned no backup_label');
  return label;
}

/**
 * cp -a as the server's OS user, then what pg_basebackup leaves out: WAL
 * (streamed through the slot instead), the primary's slots, its pid file and
 * statistics scratch. A file the server removes while cp walks (a temporary
 * statistics file) is no error: the backup does not need it.
 */
async function copyDataDir(runner: ReturnType<typeof localRunner>, from: string, to: string, owner: OsUser): Promise<void> {
  await makeOwnedDir(to, owner, 0o700);
  const run = await runCollected(runner, { program: 'cp', args: ['-a', `${from}/.`, to], mutating: true, timeoutMs: 120_000 });
  const vanishedOnly = run.stderr.split('\n').filter((line) => line.trim() && !/No such file or directory/.test(line)).length === 0;
  if (run.result.exitCode !== 0 && !(run.result.exitCode === 1 && vanishedOnly)) {
    throw new Error(`cp -a ${from}/. ${to} exited with ${run.result.exitCode}: ${run.stderr}`);
  }
  for (const file of ['postmaster.pid', 'postmaster.opts']) await rm(path.join(to, file), { force: true });
  for (const dir of ['pg_replslot', 'pg_stat_tmp', path.join('pg_wal', 'archive_status')]) await emptyDir(path.join(to, dir));
  for (const entry of await readdir(path.join(to, 'pg_wal'), { withFileTypes: true })) {
    if (!entry.isDirectory()) await rm(path.join(to, 'pg_wal', entry.name), { force: true });
  }
}

async function emptyDir(dir: string): Promise<void> {
  for (const entry of await readdir(dir).catch(() => [] as string[])) await rm(path.join(dir, entry), { recursive: true, force: true });
}

async function appendOwned(file: string, text: string, owner: OsUser): Promise<void> {
  await appendFile(file, text);
  await chown(file, owner.uid, owner.gid);
}

async function serverLogs(layout: SandboxLayout, names: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    names.map(async (name) => {
      const text = await readFile(layout.logFile(name), 'utf8').catch(() => '(no log)');
      return `${name}'s server log ends:\n${text.trimEnd().split('\n').slice(-10).join('\n')}`;
    }),
  );
  return parts.join('\n');
}

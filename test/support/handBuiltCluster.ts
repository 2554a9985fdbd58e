import { randomBytes } from 'node:crypto';
import { appendFile, chown, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { stringify } from 'yaml';
import type { CockpitConfig, CockpitConfigInput, NodeConfig } from '../../src/services/config/schema.js';
import { configSchema } from '../../src/services/config/schema.js';
import { freePort } from '../../src/services/os/freePort.js';
import type { OsUser } from '../../src/services/os/osUser.js';
import { serverOsUser } from '../../src/services/os/osUser.js';
import { makeOwnedDir, writeOwnedFile } from '../../src/services/os/ownedPath.js';
import { confLines } from '../../src/services/postgres/confValue.js';
import { withNodeClient } from '../../src/services/postgres/connectNode.js';
import { findPgBinDir } from '../../src/services/postgres/findPgBinDir.js';
import { pgCtlIsRunning, pgCtlStart, pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { slotNameFor } from '../../src/services/postgres/slotName.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runChecked } from '../../src/services/runner/runChecked.js';
import { waitFor } from './waitFor.js';

export interface HandBuiltOptions {
  /** Default 2: pg2, pg3 (pg1 is the primary). */
  standbys?: number;
  /** true: pg3 is cloned from and streams from pg2 (its slot on pg2), not pg1. */
  cascade?: boolean;
  /** The role pgcockpit's config logs in as (default 'postgres', a superuser). */
  configUser?: 'postgres' | 'monitor';
  /** Default true: role `monitor` (login, password) granted pg_monitor; false: no grant. */
  monitorHasPgMonitor?: boolean;
  /** wal_log_hints = on (what pg_rewind needs without data checksums); default off, as initdb leaves it. */
  walLogHints?: boolean;
}

export interface HandBuiltCluster {
  /** Parsed with configSchema, like the sandbox's. */
  config: CockpitConfig;
  /** The same config as YAML, for CLI tests (runCli ... --config). */
  configFile: string;
  /** The temporary directory holding everything. */
  root: string;
  osUser: OsUser;
  pgBinDir: string;
  replicationPassword: string;
  superuserPassword: string;
  monitorPassword: string;
  node(name: string): NodeConfig;
  dataDir(name: string): string;
  /** Where the "service" writes the server log (logging_collector), outside the data directory. */
  logDir(name: string): string;
  archiveDir: string;
  /** pgcockpit's passfile (owned by whoever runs the test, 0600): postgres and monitor lines, not replication. */
  passfile: string;
  /** One statement on a fresh connection as the config's user. */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(name: string, sql: string, params?: unknown[]): Promise<Row[]>;
  /** One statement on a fresh connection as the postgres superuser. */
  superQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(name: string, sql: string, params?: unknown[]): Promise<Row[]>;
  /** pg_ctl stop -m immediate on every node, then removes the directory; safe to call twice. */
  destroy(): Promise<void>;
}

const SUPERUSER = 'postgres';
const MONITOR_USER = 'monitor';
const REPLICATION_USER = 'replication';
const SLOT_PATTERN = 'slot_{node}';

/**
 * A cluster built the way a DBA builds one by hand (../shared/RUNBOOK.md), not
 * by pgcockpit's sandbox: initdb with scram-sha-256, the port in
 * postgresql.conf, the runbook's non-idempotent `test ! -f … && cp` archive
 * command, server logs in a log directory of their own (logging_collector),
 * standbys cloned with `pg_basebackup -R -S <slot>` with the password in
 * PGPASSWORD -- so -R writes `password=…` into primary_conninfo -- and no
 * cluster_name or application_name anywhere, so every standby shows up in
 * pg_stat_replication as "walreceiver".
 */
export async function startHandBuiltCluster(options: HandBuiltOptions = {}): Promise<HandBuiltCluster> {
  try {
    return await buildHandBuiltCluster(options);
  } catch (first) {
    // As startVersionCluster: a free port handed out can be taken by another test's process before the
    // server binds it ("could not start server"). One more try on fresh ports; if that fails too, both errors are shown.
    try {
      return await buildHandBuiltCluster(options);
    } catch (second) {
      throw new Error(`${String(second)}
(first try: ${String(first)})`);
    }
  }
}

async function buildHandBuiltCluster(options: HandBuiltOptions): Promise<HandBuiltCluster> {
  const standbyCount = options.standbys ?? 2;
  const cascade = options.cascade ?? false;
  if (cascade && standbyCount < 2) throw new Error('a cascade needs at least 2 standbys (pg3 streams from pg2)');
  const configUser = options.configUser ?? SUPERUSER;
  const osUser = await serverOsUser();
  const pgBinDir = await findPgBinDir();
  const root = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-handbuilt-'));
  const names = Array.from({ length: standbyCount + 1 }, (_, i) => `pg${i + 1}`);
  const ports = await Promise.all(names.map(() => freePort()));
  const dataDir = (name: string) => path.join(root, 'data', name);
  const logDir = (name: string) => path.join(root, 'log', name);
  const archiveDir = path.join(root, 'archive');
  const socketDir = path.join(root, 'sock');
  const passfile = path.join(root, 'pgpass');
  const configFile = path.join(root, 'pgcockpit.yaml');

  const configInput: CockpitConfigInput = {
    cluster: 'handbuilt',
    passfile,
    nodes: names.map((name, i) => ({
      name,
      host: '127.0.0.1',
      port: ports[i]!,
      user: configUser,
      database: 'postgres',
      dataDir: dataDir(name),
      osUser: osUser.name,
      pgBinDir,
    })),
    replication: { user: REPLICATION_USER, slotNamePattern: SLOT_PATTERN },
    archive: { dir: archiveDir },
  };
  const config = configSchema.parse(configInput);
  const node = (name: string): NodeConfig => {
    const found = config.nodes.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no node ${name} in the hand-built cluster`);
    return found;
  };
  const superNode = (name: string): NodeConfig => ({ ...node(name), user: SUPERUSER });

  const runner = localRunner(osUser);
  const tool = (program: string, args: string[], env?: Record<string, string>) =>
    runChecked(runner, { program: path.join(pgBinDir, program), args, env, mutating: true });
  const start = (name: string) => pgCtlStart({ pgBinDir, dataDir: dataDir(name), runner }, path.join(logDir(name), 'startup.log'));

  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await Promise.all(
      names.map(async (name) => {
        const target = { pgBinDir, dataDir: dataDir(name), runner };
        if (await pgCtlIsRunning(target)) await pgCtlStop(target, 'immediate');
      }),
    );
    await rm(root, { recursive: true, force: true });
  };

  const superuserPassword = randomBytes(18).toString('base64url');
  const replicationPassword = randomBytes(18).toString('base64url');
  const monitorPassword = randomBytes(18).toString('base64url');
  try {
    // mkdtemp made it 0700 for us; the servers run as postgres and must reach everything below.
    await makeOwnedDir(root, osUser, 0o750);
    await makeOwnedDir(archiveDir, osUser, 0o750);
    await makeOwnedDir(socketDir, osUser, 0o750);
    await makeOwnedDir(path.join(root, 'data'), osUser, 0o750);
    for (const name of names) await makeOwnedDir(logDir(name), osUser, 0o750);
    // pgcockpit's own passfile, owned by whoever runs pgcockpit (root here): the server account cannot read it.
    await writeFile(
      passfile,
      `127.0.0.1:*:*:${SUPERUSER}:${superuserPassword}\n127.0.0.1:*:*:${MONITOR_USER}:${monitorPassword}\n`,
      { mode: 0o600 },
    );

    const [primaryName, ...standbyNames] = names as [string, ...string[]];
    const pwfile = path.join(root, '.initdb-pw');
    await writeOwnedFile(pwfile, `${superuserPassword}\n`, osUser);
    try {
      await tool('initdb', ['-D', dataDir(primaryName), '-U', SUPERUSER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale']);
    } finally {
      await rm(pwfile, { force: true });
    }
    await appendOwned(path.join(dataDir(primaryName), 'postgresql.conf'), handBuiltSettings(node(primaryName).port, logDir(primaryName), socketDir, archiveDir, options.walLogHints ?? false), osUser);
    await writeOwnedFile(path.join(dataDir(primaryName), 'pg_hba.conf'), HBA, osUser);
    await start(primaryName);

    await withNodeClient(superNode(primaryName), config, async (client) => {
      await client.query(`create role ${REPLICATION_USER} with replication login password ${client.escapeLiteral(replicationPassword)}`);
      await client.query(`create role ${MONITOR_USER} login password ${client.escapeLiteral(monitorPassword)}`);
      if (options.monitorHasPgMonitor ?? true) await client.query(`grant pg_monitor to ${MONITOR_USER}`);
    });

    const upstreamOf = (name: string) => (cascade && name === 'pg3' ? 'pg2' : primaryName);
    const cloneStandby = async (name: string) => {
      const upstream = upstreamOf(name);
      const slot = slotNameFor(SLOT_PATTERN, name);
      await withNodeClient(superNode(upstream), config, (client) => client.query('select pg_create_physical_replication_slot($1)', [slot]));
      // The password only in PGPASSWORD: -R then writes it into primary_conninfo, as it does for a DBA.
      const clone = () =>
        tool(
          'pg_basebackup',
          ['-h', '127.0.0.1', '-p', String(node(upstream).port), '-U', REPLICATION_USER, '-D', dataDir(name), '-R', '-S', slot, '-X', 'stream', '-c', 'fast'],
          { PGPASSWORD: replicationPassword },
        );
      try {
        await clone();
      } catch (first) {
        // Seen twice in full runs, never alone: the walsender serving the copy ended "due to administrator command".
        // pg_basebackup removed its half copy; one more try, and if that fails too the upstream's own log says why.
        try {
          await clone();
        } catch (second) {
          throw new Error(`${String(second)}\n(first try: ${String(first).split('\n').slice(-2).join(' ')})\n${upstream}'s server log ends:\n${await logTail(logDir(upstream))}`);
        }
      }
      const conf = path.join(dataDir(name), 'postgresql.conf');
      const copied = await readFile(conf, 'utf8');
      await writeFile(
        conf,
        copied
          .replace(/^port = \d+$/m, `port = ${node(name).port}`)
          .replace(/^log_directory = .*$/m, confLines({ log_directory: logDir(name) }).trimEnd()),
      );
      await start(name);
      await waitFor(() => streamsThroughSlot(superNode(upstream), config, slot), `${name} streaming from ${upstream} through ${slot}`, 30_000);
    };
    const direct = standbyNames.filter((name) => upstreamOf(name) === primaryName);
    const cascaded = standbyNames.filter((name) => upstreamOf(name) !== primaryName);
    await Promise.all(direct.map(cloneStandby));
    await Promise.all(cascaded.map(cloneStandby));

    await writeFile(
      configFile,
      '# A hand-built cluster for a pgcockpit test; passwords are in the passfile, never here.\n' + stringify(configInput),
      { mode: 0o644 },
    );
  } catch (error) {
    // Each server's own words (a port already taken says so in its startup log), read before the directory goes.
    const logs = await Promise.all(names.map(async (name) => `${name}'s server log ends:\n${await logTail(logDir(name), 5)}`));
    await destroy().catch(() => undefined);
    throw new Error(`hand-built cluster: ${error instanceof Error ? error.message : String(error)}\n${logs.join('\n')}`);
  }

  return {
    config,
    configFile,
    root,
    osUser,
    pgBinDir,
    replicationPassword,
    superuserPassword,
    monitorPassword,
    node,
    dataDir,
    logDir,
    archiveDir,
    passfile,
    query: async <Row extends pg.QueryResultRow>(name: string, sql: string, params?: unknown[]) =>
      withNodeClient(node(name), config, async (client) => (await client.query<Row>(sql, params)).rows),
    superQuery: async <Row extends pg.QueryResultRow>(name: string, sql: string, params?: unknown[]) =>
      withNodeClient(superNode(name), config, async (client) => (await client.query<Row>(sql, params)).rows),
    destroy,
  };
}

/**
 * What a DBA appends to the postgresql.conf initdb wrote: the port lives here
 * (no include file, no cluster_name), logs go where the service keeps them,
 * and the archive command is the runbook's, which fails when the segment
 * already exists even with identical content.
 */
function handBuiltSettings(port: number, logDirectory: string, socketDir: string, archiveDir: string, walLogHints: boolean): string {
  return (
    '\n# --- set up by hand, following the runbook ---\n' +
    confLines({
      port,
      listen_addresses: '127.0.0.1',
      unix_socket_directories: socketDir,
      max_connections: 30,
      wal_level: 'replica',
      max_wal_senders: 10,
      max_replication_slots: 10,
      hot_standby: true,
      archive_mode: true,
      archive_command: `test ! -f ${archiveDir}/%f && cp %p ${archiveDir}/%f`,
      logging_collector: true,
      log_directory: logDirectory,
      ...(walLogHints ? { wal_log_hints: true } : {}),
    })
  );
}

const HBA = [
  '# TYPE  DATABASE     USER         ADDRESS        METHOD',
  'local   all          all                         scram-sha-256',
  'host    all          all          127.0.0.1/32   scram-sha-256',
  'host    replication  replication  127.0.0.1/32   scram-sha-256',
  '',
].join('\n');

/** The walsender serving `slot` is streaming: pg_stat_replication has no slot column, the slot's active_pid names the walsender. */
async function streamsThroughSlot(upstream: NodeConfig, config: CockpitConfig, slot: string): Promise<boolean> {
  return withNodeClient(upstream, config, async (client) => {
    const result = await client.query(
      `select 1 from pg_replication_slots s join pg_stat_replication r on r.pid = s.active_pid
        where s.slot_name = $1 and r.state = 'streaming'`,
      [slot],
    );
    return result.rowCount === 1;
  });
}

async function appendOwned(file: string, text: string, owner: OsUser): Promise<void> {
  await appendFile(file, text);
  await chown(file, owner.uid, owner.gid);
}

/** The last lines of the newest server log in a log directory, for an error message. */
async function logTail(dir: string, lines = 30): Promise<string> {
  try {
    const names = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    const newest = (await Promise.all(names.map(async (name) => ({ name, at: (await stat(path.join(dir, name))).mtimeMs })))).sort((a, b) => b.at - a.at)[0];
    if (!newest) return '(no log file)';
    return (await readFile(path.join(dir, newest.name), 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(could not read it: ${String(error)})`;
  }
}

import type { BaseBackupEntry } from '../../backups/baseBackupEntry.js';
import type { BaseBackupFolderFacts } from '../../backups/baseBackupFolder.js';
import { baseBackupPaths } from '../../backups/baseBackupCatalog.js';
import { formatBytes } from '../../cluster/formatBytes.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { shellJoin } from '../../os/shellQuote.js';
import type { FailoverFacts } from '../failover/failoverFacts.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import type { FollowerLogin, ReplicationLoginResult } from '../preflight/replicationLogin.js';
import { replicationLoginCheck } from '../preflight/replicationLogin.js';
import { pgTool } from '../serviceControl.js';
import { unknownNodeCheck } from '../unknownNodeCheck.js';
import { resolveBackupNode } from '../backup/planBackup.js';
import { baseBackupConninfo } from './baseBackupConninfo.js';
import type { ConninfoSource } from './baseBackupConninfo.js';
import { baseBackupHost } from './baseBackupHost.js';
import { baseBackupSteps } from './baseBackupSteps.js';

export type BaseBackupFormat = BaseBackupEntry['format'];

/** The formats, the form's choices in this order (plain first: the default, a data directory as is). */
export const BASE_BACKUP_FORMATS = ['plain', 'tar'] as const satisfies readonly BaseBackupFormat[];

export interface BaseBackupOptions {
  /** plain (default): a data directory; tar: base.tar and pg_wal.tar. */
  format?: BaseBackupFormat;
  /** pg_basebackup --max-rate, in kB/s: spares the node's disks and network (absent: as fast as it goes). */
  maxRateKbps?: number;
  /** The moment the backup is named after (tests pin it); default now. */
  now?: Date;
}

/** A PostgreSQL program on the backups host, as `--version` answered (absent: not asked). */
export interface ToolFacts {
  path: string;
  /** "pg_basebackup (PostgreSQL) 15.10"; absent when it did not answer. */
  version?: string;
  major?: number;
  problem?: string;
}

export interface BaseBackupFacts extends FailoverFacts {
  /** pg_basebackup and pg_verifybackup on the backups host. */
  pgBasebackup?: ToolFacts;
  pgVerifybackup?: ToolFacts;
  folder?: BaseBackupFolderFacts;
  /** The node's databases (sum of pg_database_size): about what the copy writes. */
  databaseBytes?: number;
  /** The replication login tried from the backups host, by the host's runner name. */
  logins?: Record<string, ReplicationLoginResult>;
}

export interface BaseBackupPlan extends Plan {
  format: BaseBackupFormat;
  /** The catalog id and where the backup goes once complete (null when refused early). */
  id: string | null;
  path: string | null;
  /** The runner name of the host it is written on (null when refused early). */
  host: string | null;
  /** The login to try from the backups host before confirming (prepareBaseBackup tries it and plans again). */
  followerLogins: FollowerLogin[];
}

/** 13 and later write a backup_manifest (pg_basebackup and server both); pg_verifybackup checks it. */
const MANIFEST_MAJOR = 13;
/** pg_verifybackup reads a tar-format backup from 18 on. */
const VERIFY_TAR_MAJOR = 18;
const LEVELS = ['minimal', 'replica', 'logical'];

/** "pgcockpit basebackup --node pg1 --format tar --yes". */
export function baseBackupCommandLine(node: string, options: BaseBackupOptions): string {
  return shellJoin(['pgcockpit', 'basebackup', '--node', node, ...(options.format && options.format !== 'plain' ? ['--format', options.format] : []), '--yes']);
}

/**
 * The plan that takes a base backup of a node with pg_basebackup into the
 * catalog's `.base` folder (pure: facts in, plan out). It runs on the
 * backups host as its OS user (baseBackupHost), streams the WAL it needs
 * (-X stream: self-contained), starts with a fast checkpoint, writes a
 * SHA-256 manifest where there is one (13+), into `<stamp>.partial`; then
 * backup_label is read, pg_verifybackup checks the manifest, and the copy is
 * renamed and recorded complete. Refused, before anything is written, when
 * the node is down, wal_level is minimal, no walsender is free, the
 * pg_basebackup there is older than the server, the folder is not writable
 * by the OS user, the disk is too small, or the replication login fails.
 */
export function planBaseBackup(config: CockpitConfig, facts: BaseBackupFacts, requested: string, options: BaseBackupOptions = {}): BaseBackupPlan {
  // `--node standby` (unless a node has that name): a caught-up standby, else the primary, as for a dump.
  const asked = resolveBackupNode(config, facts.view, requested);
  const checks: PreflightCheck[] = [];
  const warnings: string[] = [];
  const followerLogins: FollowerLogin[] = [];
  const format = options.format ?? 'plain';
  let paths: ReturnType<typeof baseBackupPaths> | undefined;
  let hostName: string | null = null;
  const finish = (steps: PlanStep[]): BaseBackupPlan => {
    const blockedReasons = failedChecks(checks);
    const blocked = blockedReasons.length > 0;
    return {
      title: `base backup of ${asked}`,
      target: asked,
      confirmWord: asked,
      checks,
      steps: blocked ? [] : steps,
      blocked,
      blockedReasons,
      warnings,
      retryCommand: baseBackupCommandLine(requested, options),
      format,
      id: paths?.id ?? null,
      path: paths?.path ?? null,
      host: hostName,
      followerLogins,
    };
  };

  const node = config.nodes.find((candidate) => candidate.name === asked);
  if (!node) {
    checks.push(unknownNodeCheck(config, asked));
    return finish([]);
  }
  const snapshot = facts.view.nodes.find((candidate) => candidate.name === node.name);
  const server = snapshot?.status === 'up' ? snapshot.server : undefined;
  if (!snapshot || !server) {
    checks.push({ label: `${node.name} is up`, status: 'fail', observed: `down: ${snapshot?.downReason ?? 'not polled'}`, fix: `start ${node.name}, or back up another node` });
    return finish([]);
  }
  const serverMajor = Math.floor(server.versionNum / 10000);
  checks.push({ label: `${node.name} is up`, status: 'ok', observed: `${snapshot.role} on timeline ${server.timeline ?? '?'}, PostgreSQL ${server.version}` });

  // Where: the backups host, as its OS user.
  const dir = config.backups?.dir;
  if (!dir) {
    checks.push({ label: 'a backups directory', status: 'fail', observed: 'the config has no backups.dir', fix: 'add "backups: { dir: /var/backups/pgcockpit }" (and host: <node> when it is on a node\'s host)' });
    return finish([]);
  }
  const where = baseBackupHost(config, node);
  if (!where.ok) {
    checks.push({ label: 'where pg_basebackup runs', status: 'fail', observed: where.problem, fix: where.fix });
    return finish([]);
  }
  const host: NodeConfig = where.node;
  hostName = where.runnerName;
  checks.push({ label: 'where pg_basebackup runs', status: 'ok', observed: where.why });

  // The server: WAL a base backup can be made of, and two walsenders (the copy and its WAL stream).
  const level = server.settings.wal_level;
  if (level !== undefined) {
    checks.push(
      LEVELS.indexOf(level) >= 1
        ? { label: 'wal_level is replica or logical', status: 'ok', observed: level }
        : { label: 'wal_level is replica or logical', status: 'fail', observed: level, fix: `alter system set wal_level = replica on ${node.name}, then restart it (a base backup needs WAL that can be replayed from it)` },
    );
  }
  const maxSenders = Number(server.settings.max_wal_senders);
  if (Number.isFinite(maxSenders)) {
    const used = server.replicas.length;
    checks.push(
      maxSenders - used >= 2
        ? { label: 'two walsenders free (the copy and its WAL stream)', status: 'ok', observed: `max_wal_senders ${maxSenders}, ${used} in use` }
        : { label: 'two walsenders free (the copy and its WAL stream)', status: 'fail', observed: `max_wal_senders ${maxSenders}, ${used} in use`, fix: `raise max_wal_senders on ${node.name} (a restart is needed)` },
    );
  }

  // pg_basebackup on the backups host: its major at least the server's.
  const tool = facts.pgBasebackup;
  const toolMajor = tool?.major;
  if (tool) {
    checks.push(
      toolMajor !== undefined && toolMajor >= serverMajor
        ? { label: `pg_basebackup ≥ ${serverMajor} on the backups host`, status: 'ok', observed: `${tool.path}: ${tool.version}` }
        : {
            label: `pg_basebackup ≥ ${serverMajor} on the backups host`,
            status: 'fail',
            observed: tool.version ? `${tool.path}: ${tool.version}` : `${tool.path}: ${tool.problem ?? 'did not answer'}`,
            fix: `install PostgreSQL ${serverMajor}'s client programs on ${host.name}'s host, or set ${host.name}'s pgBinDir to where they are`,
          },
    );
  }
  const manifest = serverMajor >= MANIFEST_MAJOR && (toolMajor ?? serverMajor) >= MANIFEST_MAJOR;
  const verifyMajor = facts.pgVerifybackup?.major;
  let verify = manifest && verifyMajor !== undefined;
  if (!manifest) {
    warnings.push(`PostgreSQL ${server.version} writes no backup manifest (13 and later do): the backup cannot be checked with pg_verifybackup`);
  } else if (facts.pgVerifybackup && verifyMajor === undefined) {
    warnings.push(`pg_verifybackup does not answer on the backups host (${facts.pgVerifybackup.problem ?? facts.pgVerifybackup.path}): the backup is not verified`);
  } else if (format === 'tar' && verifyMajor !== undefined && verifyMajor < VERIFY_TAR_MAJOR) {
    verify = false;
    warnings.push(`pg_verifybackup reads tar-format backups from PostgreSQL 18 on (this one is ${verifyMajor}): the backup is not verified; --format plain is`);
  }
  // pg_waldump (which pg_verifybackup runs) reads only its own major's WAL: another major checks the files, not the WAL.
  const parseWal = verify && format === 'plain' && verifyMajor === serverMajor;
  if (verify && format === 'plain' && !parseWal) warnings.push(`pg_verifybackup ${verifyMajor} checks the files against the manifest but cannot parse PostgreSQL ${serverMajor}'s WAL (-n): the WAL the backup needs is checked by its recovery`);

  // The folder: the OS user's, writable, or creatable by it.
  paths = baseBackupPaths(dir, config.cluster, format, options.now ?? new Date());
  const folder = facts.folder;
  if (folder) {
    const label = `${paths.folder} is writable by ${host.osUser}`;
    if (folder.writable) {
      checks.push({ label, status: 'ok', observed: folder.exists ? `owner ${folder.owner ?? '?'}, mode ${folder.mode ?? '?'}` : `missing: created (mkdir -p -m 0750) in ${folder.probe ?? '?'}` });
    } else {
      checks.push({
        label,
        status: 'fail',
        observed: folder.problem ?? (folder.exists ? `owner ${folder.owner ?? '?'}, mode ${folder.mode ?? '?'}` : `missing, and ${folder.probe ?? 'its parent'} (owner ${folder.owner ?? '?'}) is not writable by ${host.osUser}`),
        fix: `as root on ${host.ssh ? host.ssh.host : 'this machine'}: install -d -o ${host.osUser} -m 0750 ${paths.folder}`,
      });
    }
  }

  // Room: the copy is about the size of the databases (plus the WAL streamed meanwhile).
  if (folder?.freeBytes !== undefined && facts.databaseBytes !== undefined) {
    const needed = facts.databaseBytes + Math.round(facts.databaseBytes * 0.1) + 256 * 1024 * 1024;
    const observed = `${formatBytes(folder.freeBytes)} free, ${node.name}'s databases take ${formatBytes(facts.databaseBytes)}`;
    if (folder.freeBytes >= needed) checks.push({ label: `room for the copy in ${paths.folder}`, status: 'ok', observed });
    else if (folder.freeBytes >= facts.databaseBytes) checks.push({ label: `room for the copy in ${paths.folder}`, status: 'warn', observed, fix: 'little room left after it (10% + 256 MB wanted): if the disk fills, the copy fails and its partial folder is removed' });
    else checks.push({ label: `room for the copy in ${paths.folder}`, status: 'fail', observed, fix: `free ${formatBytes(facts.databaseBytes - folder.freeBytes)} or more there (pgcockpit backups lists what is kept), or point backups.dir elsewhere` });
  }

  // The replication login pg_basebackup makes, from the backups host as its OS user.
  const sources: ConninfoSource[] = [host.name, node.name, ...config.nodes.map((candidate) => candidate.name)]
    .filter((name, index, all) => all.indexOf(name) === index)
    .map((name) => ({ from: name, conninfo: facts.extras[name]?.primaryConninfo ?? '' }));
  const login = baseBackupConninfo({ host: node.host, port: node.port, sources, user: config.replication.user, ...(config.replication.passfile !== undefined ? { passfile: config.replication.passfile } : {}) });
  const follower: FollowerLogin = { node: host, upstream: node.name, conninfo: login.conninfo };
  followerLogins.push(follower);
  checks.push({ label: 'the replication login', status: 'ok', observed: `credentials from ${login.credentialsFrom}` });
  if (facts.logins) {
    const tried = replicationLoginCheck(follower, facts.logins[host.name], 'fail');
    checks.push({ ...tried, label: tried.label.replace(`${host.name} can log in`, `${host.name}'s host can log in`) });
  }

  const steps = baseBackupSteps({
    config,
    node,
    host,
    runnerName: where.runnerName,
    paths,
    format,
    ...(options.maxRateKbps ? { maxRateKbps: options.maxRateKbps } : {}),
    conninfo: login.conninfo,
    pgBasebackup: tool?.path ?? pgTool(host, 'pg_basebackup'),
    pgBasebackupVersion: tool?.version ?? '',
    pgVerifybackup: verify ? (facts.pgVerifybackup?.path ?? pgTool(host, 'pg_verifybackup')) : undefined,
    verifyParsesWal: parseWal,
    manifest,
    serverVersion: server.version,
    ...(facts.extras[node.name]?.systemIdentifier ? { systemIdentifier: facts.extras[node.name]!.systemIdentifier } : {}),
    ...(server.walSegmentBytes ? { walSegmentBytes: server.walSegmentBytes } : {}),
  });
  return finish(steps);
}

import path from 'node:path';
import { formatBytes } from '../../cluster/formatBytes.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { slotNameFor } from '../../postgres/slotName.js';
import { rejoinConninfo } from '../conninfoEdit.js';
import type { FailoverFacts } from '../failover/failoverFacts.js';
import { clusterSystemIdentifier } from '../failover/failoverFacts.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import { dataDirCheck } from '../preflight/dataDirProof.js';
import type { FollowerLogin } from '../preflight/replicationLogin.js';
import { replicationLoginCheck } from '../preflight/replicationLogin.js';
import { serverLogCheck } from '../serverLogCheck.js';
import { withServerLog } from '../serviceControl.js';
import { unknownNodeCheck } from '../unknownNodeCheck.js';
import { sameHost } from '../../cluster/sameHost.js';
import { archiveRestoreCommand } from '../../postgres/archiveCommand.js';
import type { HostDisk } from './hostDisk.js';
import { diskChecks } from './diskChecks.js';
import type { RebuildMethod } from './chooseMethod.js';
import { chooseMethod } from './chooseMethod.js';
import type { TargetControl } from './targetControl.js';
import { nodePassword } from '../../postgres/nodePassword.js';
import { copyStep, moveAsideStep } from './copySteps.js';
import { createSlotStep, ownSettingsStep, startAndStreamStep, stopTargetStep } from './rebuildSteps.js';
import { crashRecoveryStep, rewindStep, saveConfigStep } from './rewindSteps.js';

export type { RebuildMethod } from './chooseMethod.js';
export { REBUILD_METHODS } from './chooseMethod.js';

export interface RebuildOptions {
  /** The node to copy from; absent or "primary": the current primary. */
  from?: string;
  method?: RebuildMethod;
  /** Free space that must be left on the target's filesystem after the copy (default 10% of the copy + 256 MiB). */
  minFreeBytes?: number;
  /** pg_basebackup --max-rate, in kB/s: spares the source's disks and network (absent: as fast as it goes). */
  maxRateKbps?: number;
  /** How long the rebuilt node has to stream from the source once started (default 60 s). */
  streamTimeoutMs?: number;
  /** The moment the old data directory is named after (tests pin it); default now. */
  now?: Date;
}

export interface RebuildFacts extends FailoverFacts {
  /** The target's host: free space and owner of its data directory's parent (absent: not asked). */
  disks?: Record<string, HostDisk>;
  /** What the copy will be: the source's databases (sum of pg_database_size), absent when unknown. */
  sourceBytes?: number;
  /** The source's pg_wal (pg_ls_waldir): what pg_rewind copies whole. */
  sourceWalBytes?: number;
  /** The target's pg_controldata and PG_VERSION (timeline, clean shutdown, wal_log_hints, checksums). */
  control?: Record<string, TargetControl>;
  /** Whether pgcockpit's login on the source may read its files, as pg_rewind's --source-server must. */
  sourceFileAccess?: { ok: boolean; detail: string };
}

export interface RebuildPlan extends Plan {
  source: string | null;
  /** The method the plan uses, and why. */
  method: 'basebackup' | 'rewind';
  methodReason: string;
  /** Where the node's data directory is kept: <dataDir>.pgcockpit-<UTC timestamp>. */
  asideDir: string | null;
  /** The replication login the target will make: prepareRebuild tries it from the target's host and plans again. */
  followerLogins: FollowerLogin[];
  /** Nodes whose data directory is proven before a service action: the target. */
  dataDirNodes: string[];
}

/** "20261130T134501Z": a name part that sorts by time and needs no quoting. */
export function asideStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * The plan that rebuilds `targetName` as a standby of the source (the current
 * primary unless --from says otherwise), from one look at the cluster (pure:
 * no I/O): stop it, keep its data directory aside (never delete it), copy the
 * source with pg_basebackup as the node's OS user, give the copy the node's
 * own configuration (port, primary_conninfo with its own credentials,
 * primary_slot_name) instead of the source's, start it and wait until it
 * streams. A failure or a cancel puts the old directory back (undo).
 */
export function planRebuild(config: CockpitConfig, facts: RebuildFacts, targetName: string, options: RebuildOptions = {}): RebuildPlan {
  const checks: PreflightCheck[] = [];
  const warnings: string[] = [];
  const followerLogins: FollowerLogin[] = [];
  const dataDirNodes: string[] = [];
  const snapshots = new Map(facts.view.nodes.map((node) => [node.name, node]));
  let source: NodeConfig | undefined;
  let asideDir: string | null = null;
  let method: 'basebackup' | 'rewind' = 'basebackup';
  let methodReason = 'pg_basebackup';
  const finish = (steps: PlanStep[]): RebuildPlan => {
    const blockedReasons = failedChecks(checks);
    const blocked = blockedReasons.length > 0;
    return {
      title: `rebuild ${targetName} as a standby${source ? ` of ${source.name}` : ''}`,
      target: targetName,
      confirmWord: targetName,
      checks,
      steps: blocked ? [] : steps,
      blocked,
      blockedReasons,
      warnings,
      // pg_rewind works in place: after it nothing can be put back, so a rewind stops where it failed and says what is left.
      undoOnFailure: method === 'basebackup',
      retryCommand: `pgcockpit rebuild ${targetName}${options.from && options.from !== 'primary' ? ` --from ${options.from}` : ''}${options.method && options.method !== 'auto' ? ` --method ${options.method}` : ''} --yes`,
      source: source?.name ?? null,
      method,
      methodReason,
      asideDir,
      followerLogins,
      dataDirNodes,
    };
  };

  const target = config.nodes.find((node) => node.name === targetName);
  if (!target) {
    checks.push(unknownNodeCheck(config, targetName));
    return finish([]);
  }
  const targetSnap = snapshots.get(target.name);
  const targetUp = targetSnap?.status === 'up' && targetSnap.server !== undefined;

  // 1. The source: the current primary, or the node --from names; up. First, the target must not be the primary the others follow.
  const primaries = facts.view.nodes.filter((node) => node.status === 'up' && node.role === 'primary');
  const followedBy = (name: string) => facts.view.links.filter((link) => link.upstream === name && link.receiverStreaming).map((link) => link.standby);
  // The target must not be the primary the others follow: rebuilding it would throw away the cluster's newest writes.
  const targetFollowers = followedBy(target.name);
  if (targetUp && targetSnap.role === 'primary' && (primaries.length === 1 || targetFollowers.length > 0)) {
    checks.push({
      label: `${target.name} is not the primary the cluster writes to`,
      status: 'fail',
      observed: `${target.name} is ${primaries.length === 1 ? 'the only primary' : 'a primary'}${targetFollowers.length > 0 ? `, followed by ${targetFollowers.join(', ')}` : ''}: rebuilding it would throw away the cluster's newest writes`,
      fix: `switch over first (pgcockpit switchover --to <a standby>), then rebuild ${target.name}`,
    });
    return finish([]);
  }
  const sourceName =
    options.from && options.from !== 'primary'
      ? options.from
      : (primaries.filter((node) => node.name !== target.name).sort((a, b) => followedBy(b.name).length - followedBy(a.name).length)[0]?.name ?? null);
  source = sourceName ? config.nodes.find((node) => node.name === sourceName) : undefined;
  const sourceSnap = sourceName ? snapshots.get(sourceName) : undefined;
  if (!sourceName || !source) {
    checks.push(
      sourceName
        ? unknownNodeCheck(config, sourceName)
        : { label: 'a source to copy from', status: 'fail', observed: 'no primary is up (other than the node itself)', fix: `start the primary, or name a running standby with --from` },
    );
    return finish([]);
  }
  if (source.name === target.name) {
    checks.push({ label: `${source.name} is a source other than ${target.name}`, status: 'fail', observed: 'the node cannot be copied from itself', fix: '--from another node' });
    return finish([]);
  }
  if (sourceSnap?.status !== 'up' || !sourceSnap.server) {
    checks.push({
      label: `${source.name} is up to copy from`,
      status: 'fail',
      observed: `${source.name} is down: ${sourceSnap?.downReason ?? 'not polled'}`,
      fix: `start ${source.name}, or rebuild from another node (--from)`,
    });
    return finish([]);
  }
  const sourceServer = sourceSnap.server;
  checks.push({
    label: `${source.name} is up to copy from`,
    status: 'ok',
    observed: `${sourceSnap.role} on timeline ${sourceServer.timeline ?? '?'}, PostgreSQL ${sourceServer.version}${facts.sourceBytes !== undefined ? `, ${formatBytes(facts.sourceBytes)} of databases` : ''}`,
  });

  const hostState = facts.hosts?.[target.name];
  const running = targetUp || hostState?.state === 'running';
  // A new standby: its host answered, and there is no data directory yet (pg_ctl status cannot tell: exit 4).
  const fresh = !targetUp && !running && facts.disks?.[target.name]?.dataDirExists === false;
  if (fresh) {
    checks.push({ label: `${target.name}'s server`, status: 'ok', observed: `no data directory at ${target.dataDir} yet: a new standby, the copy creates it` });
  } else if (!targetUp && (!hostState || hostState.state === 'noAnswer' || hostState.state === 'unknown')) {
    checks.push({
      label: `${target.name}'s host answers`,
      status: 'fail',
      observed: hostState ? `${hostState.state === 'noAnswer' ? 'no answer' : 'status unknown'}: ${hostState.detail}` : 'its host was not asked',
      fix: `make ${target.name}'s host reachable (ssh, runner) and plan again: the rebuild runs there`,
    });
  } else {
    checks.push({
      label: `${target.name}'s server`,
      status: 'ok',
      observed: targetUp
        ? `up as a ${targetSnap.role}${targetSnap.role === 'primary' ? ' beside the other primary (split brain)' : ''}: it is stopped first`
        : running
          ? `running on its host but not answering here (${hostState?.detail}): it is stopped first`
          : `stopped (${hostState?.detail ?? 'no server running'})`,
    });
  }
  // Something else on its port would keep the rebuilt server from starting ("Address already in use").
  if (!targetUp && !running && facts.tcpOpen?.[target.name]) {
    checks.push({
      label: `port ${target.port} on ${target.host} is free`,
      status: 'fail',
      observed: `${target.name}'s server is stopped, yet something accepts connections on ${target.host}:${target.port}`,
      fix: `find what holds the port (ss -ltnp 'sport = :${target.port}' on ${target.host}) and stop it, or give ${target.name} its own port`,
    });
  }

  // 3. pg_basebackup or pg_rewind, and why: the checks below depend on it.
  const choice = chooseMethod(options.method ?? 'auto', {
    target: target.name,
    source: source.name,
    running,
    control: facts.control?.[target.name],
    targetTimeline: targetUp ? targetSnap.server?.timeline : undefined,
    sourceTimeline: sourceServer.timeline,
    sourceMajor: Math.floor(sourceServer.versionNum / 10000),
    sourceBytes: facts.sourceBytes,
    sourceWalBytes: facts.sourceWalBytes,
    sourceFileAccess: facts.sourceFileAccess,
  });
  method = choice.method;
  methodReason = choice.reason;
  const refusedRewind = options.method === 'rewind' && choice.rewindBlockers.length > 0;
  checks.push(
    refusedRewind
      ? { label: 'method', status: 'fail', observed: choice.reason, fix: `--method basebackup (or auto) copies ${source.name} instead` }
      : { label: 'method', status: 'ok', observed: choice.reason },
  );

  // 4. Its data directory: proven its own (port, system identifier) before anything stops or moves it.
  dataDirNodes.push(target.name);
  if (!target.dataDir || !path.isAbsolute(target.dataDir)) {
    checks.push(dataDirCheck(target, undefined, undefined));
    return finish([]);
  }
  const proof = facts.dataDirs?.[target.name];
  if (facts.dataDirs && !fresh) {
    // A damaged directory may not say its system identifier: its port is proof enough to move it aside (nothing is deleted).
    const damaged = proof && !proof.systemIdentifier && proof.port === target.port;
    checks.push(
      damaged
        ? { label: `${target.name}'s data directory ${target.dataDir} is ${target.name}'s`, status: 'warn', observed: `port ${proof.port} (${proof.portSource}); system identifier unreadable (${proof.problem ?? 'damaged'})`, fix: 'it is moved aside, not deleted' }
        : dataDirCheck(target, proof, clusterSystemIdentifier(facts)),
    );
  }
  asideDir = `${target.dataDir}.pgcockpit-${asideStamp(options.now ?? new Date())}`;
  const disk = facts.disks?.[target.name];
  if (disk) {
    // A copy needs room for the source's databases; a rewind for the source's pg_wal it fetches.
    const moved = method === 'rewind' ? facts.sourceWalBytes : facts.sourceBytes;
    checks.push(...diskChecks(target, disk, { method, source: source.name, moved, ...(options.minFreeBytes !== undefined ? { minFreeBytes: options.minFreeBytes } : {}) }));
  }

  // 5. Versions: the copy is the source's major version, run by the node's binaries.
  if (targetUp && targetSnap.server && Math.floor(targetSnap.server.versionNum / 10000) !== Math.floor(sourceServer.versionNum / 10000)) {
    checks.push({
      label: `${target.name} and ${source.name} run one major version`,
      status: 'fail',
      observed: `${target.name} runs ${targetSnap.server.version}, ${source.name} ${sourceServer.version}`,
      fix: `point ${target.name}'s pgBinDir at PostgreSQL ${Math.floor(sourceServer.versionNum / 10000)} binaries first`,
    });
  }

  // 6. The login the copy and the rebuilt standby make, from the target's host as its OS user.
  const conninfo = rejoinConninfo({
    own: facts.extras[target.name]?.primaryConninfo ?? '',
    target: facts.extras[source.name]?.primaryConninfo ?? '',
    host: source.host,
    port: source.port,
    user: config.replication.user,
    nodeName: target.name,
    ...(config.replication.passfile !== undefined ? { passfile: config.replication.passfile } : {}),
  });
  const credentialsFrom =
    conninfo.credentialsFrom === 'own'
      ? `${target.name}'s own primary_conninfo`
      : conninfo.credentialsFrom === 'target'
        ? `${source.name}'s primary_conninfo`
        : `the config (replication.user ${config.replication.user}; its password in a passfile ${target.osUser} can read)`;
  const login: FollowerLogin = { node: target, upstream: source.name, conninfo: conninfo.conninfo };
  followerLogins.push(login);
  checks.push({ label: `${target.name} will stream from ${source.name}`, status: 'ok', observed: `primary_conninfo = ${conninfo.conninfo} (credentials from ${credentialsFrom})` });
  if (facts.logins) checks.push(replicationLoginCheck(login, facts.logins[target.name], 'fail'));

  // 7. Its slot on the source: reused when free, created by the copy when missing.
  const slot = facts.extras[target.name]?.primarySlotName || slotNameFor(config.replication.slotNamePattern, target.name);
  const existing = sourceServer.slots.find((candidate) => candidate.name === slot);
  // The node itself streaming through it (a standby being rebuilt): free once it is stopped.
  const ownLink = facts.view.links.find((link) => link.standby === target.name && link.upstream === source.name);
  const heldByTarget = existing?.active === true && running && ownLink?.walsenderPid != null && existing.activePid === ownLink.walsenderPid;
  if (heldByTarget) {
    checks.push({ label: `slot ${slot} on ${source.name}`, status: 'ok', observed: `in use by ${target.name} itself: free once it is stopped, then the copy and the standby use it` });
  } else if (existing?.active) {
    checks.push({ label: `slot ${slot} on ${source.name}`, status: 'fail', observed: `in use by another connection`, fix: `find who streams through ${slot} on ${source.name} (pg_replication_slots.active_pid) and stop it` });
  } else if (existing && existing.type !== 'physical') {
    checks.push({ label: `slot ${slot} on ${source.name}`, status: 'fail', observed: `a ${existing.type} slot has that name`, fix: 'set replication.slotNamePattern so the standby gets a physical slot of its own' });
  } else {
    checks.push({ label: `slot ${slot} on ${source.name}`, status: 'ok', observed: existing ? 'exists, inactive: the standby uses it' : method === 'rewind' ? `missing: created on ${source.name} before ${target.name} starts` : 'missing: the copy creates it (pg_basebackup --create-slot)' });
  }

  const logPlace = facts.serverLogs?.[target.name];
  if (logPlace) checks.push(serverLogCheck(target.name, logPlace));
  const started = withServerLog(target, logPlace);
  const streamTimeoutMs = options.streamTimeoutMs ?? 60_000;

  const steps: PlanStep[] = [];
  if (running) steps.push(stopTargetStep(started, targetUp));
  if (method === 'rewind') {
    const confDir = `${target.dataDir}.pgcockpit-conf-${asideStamp(options.now ?? new Date())}`;
    asideDir = null;
    if (choice.needsCrashRecovery) steps.push(crashRecoveryStep(started));
    steps.push(saveConfigStep(started, confDir));
    // The archive, when the target's host can read it: pg_rewind fetches the target's recycled WAL from there.
    const archiveHost = config.archive?.host === undefined ? undefined : config.nodes.find((node) => node.name === config.archive!.host);
    const archiveReadable = config.archive !== undefined && (archiveHost === undefined || sameHost(archiveHost.host, target.host));
    if (!archiveReadable) {
      warnings.push(`no WAL archive on ${target.name}'s host is configured (archive.dir): if ${target.name} recycled WAL from before the fork, pg_rewind fails; then rebuild with --method basebackup`);
    }
    steps.push(
      rewindStep(target, source, {
        password: async () => {
          const lookup = await nodePassword(source, config.passfile);
          return lookup.found ? lookup.password : undefined;
        },
        ...(archiveReadable ? { restoreCommand: archiveRestoreCommand(config.archive!.dir) } : {}),
      }),
    );
    steps.push(ownSettingsStep(target, { asideDir: confDir, conninfo: conninfo.conninfo, slot }));
    if (!existing) steps.push(createSlotStep(source, slot));
    steps.push(startAndStreamStep(started, source, { slot, timeoutMs: streamTimeoutMs }));
    return finish(steps);
  }
  const copy = copyStep(target, source, { conninfo: conninfo.conninfo, slot, createSlot: !existing, ...(options.maxRateKbps ? { maxRateKbps: options.maxRateKbps } : {}), asideDir });
  if (fresh) {
    // Nothing to keep: the copy gets the node's port and name instead of the source's.
    steps.push(copy, ownSettingsStep(target, { conninfo: conninfo.conninfo, slot }), startAndStreamStep(started, source, { slot, timeoutMs: streamTimeoutMs }));
    asideDir = null;
    return finish(steps);
  }
  steps.push(moveAsideStep(target, asideDir));
  steps.push(copy);
  steps.push(ownSettingsStep(target, { asideDir, conninfo: conninfo.conninfo, slot }));
  steps.push(startAndStreamStep(started, source, { slot, timeoutMs: streamTimeoutMs }));
  warnings.push(`${target.name}'s data directory is kept at ${asideDir}: remove it yourself once the rebuilt standby is trusted`);
  return finish(steps);
}

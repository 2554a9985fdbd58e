import path from 'node:path';
import type { BaseBackupEntry } from '../../backups/baseBackupEntry.js';
import type { CockpitConfig } from '../../config/schema.js';
import { archiveRestoreCommand } from '../../postgres/archiveCommand.js';
import { segmentStartLsn, DEFAULT_SEGMENT_BYTES } from '../../runner/progress/walReplayProgress.js';
import { formatLsn } from '../../postgres/lsn.js';
import type { PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import type { RecoveryTarget } from './recoveryTarget.js';
import { describeTarget, readRecoveryTarget, targetSetting } from './recoveryTarget.js';
import { recoverySettings, SIDE_BY_SIDE_SHARED_BUFFERS_BYTES } from './recoverySettings.js';
import { pitrSteps } from './pitrSteps.js';
import { recoveryLogFile } from './replayStep.js';
import { moveAsideStep } from '../rebuild/copySteps.js';
import { pgTool } from '../serviceControl.js';
import { copyBackSteps } from './copyBackSteps.js';
import { copyBackPipe, pausedCopyCommands } from './recoveredCopy.js';
import { chooseBackup, targetAfterBackupCheck, targetInWindowCheck, windowUnread, writtenTarget } from './targetWindow.js';

import type { PitrFacts, PitrOptions, PitrPlan } from './pitrTypes.js';
import { copyBackChecks, hostChecks, major } from './pitrChecks.js';

export type { CopyBackFacts, PitrFacts, PitrHostFacts, PitrOptions, PitrPlan } from './pitrTypes.js';
export { copyBackChecks, hostChecks } from './pitrChecks.js';

/** The target and the backup, from what the catalog holds (the first half of planning, before the host is asked). */
export function resolvePitrBackup(facts: Pick<PitrFacts, 'asked' | 'backups' | 'timeZone' | 'windows'>, options: PitrOptions): { target?: RecoveryTarget; targetCheck: PreflightCheck; backup?: BaseBackupEntry; backupCheck?: PreflightCheck } {
  const zone = facts.timeZone?.zone ?? 'UTC';
  const reading = readRecoveryTarget(options.target ?? {}, zone);
  if (!reading.ok) return { targetCheck: { label: 'the recovery target is one the server reads as meant', status: 'fail', observed: reading.reason } };
  const target = reading.target;
  const targetCheck: PreflightCheck = {
    label: 'the recovery target is one the server reads as meant',
    status: 'ok',
    observed: target.kind === 'time' ? `${target.reading}${facts.timeZone ? ` (TimeZone read from ${facts.timeZone.node})` : ''}` : `${targetSetting(target).name} = '${targetSetting(target).value}'`,
  };
  if (facts.asked === 'auto') {
    const chosen = chooseBackup(facts.backups, target, facts.windows);
    if (!chosen.ok) return { target, targetCheck, backupCheck: { label: 'a base backup that can reach the target (--backup auto)', status: 'fail', observed: chosen.reason } };
    return { target, targetCheck, backup: chosen.backup, backupCheck: { label: 'a base backup that can reach the target (--backup auto)', status: 'ok', observed: `${chosen.backup.id}: the newest complete one that ended before it (${chosen.backup.endTime ?? chosen.backup.endLsn ?? '?'})` } };
  }
  const backup = facts.backups.find((entry) => entry.id === facts.asked);
  const label = `base backup ${facts.asked} is in the catalog and complete`;
  if (!backup) {
    const there = facts.backups.slice(0, 5).map((entry) => entry.id).join(', ');
    return { target, targetCheck, backupCheck: { label, status: 'fail', observed: `no such base backup${there ? ` (the newest: ${there})` : ': the catalog has none'}`, fix: 'pgcockpit window lists them; --backup auto picks one' } };
  }
  if (backup.status !== 'complete') return { target, targetCheck, backupCheck: { label, status: 'fail', observed: `its status is ${backup.status}${backup.error ? `: ${backup.error}` : ''}`, fix: '--backup auto picks a complete one' } };
  return { target, targetCheck, backup, backupCheck: { label, status: 'ok', observed: `taken from ${backup.node} ${backup.endTime ? `ending ${backup.endTime}` : ''}, ${backup.format}, PostgreSQL ${backup.serverVersion}` } };
}

/**
 * The PITR's plan: checks (the target as the server reads it, the backup,
 * the window, the host), then the steps on the backup's host (side by side)
 * or on the stopped node's (--in-place: its data directory moved aside
 * first, put back by the undo). Refused, it lists what failed and writes nothing.
 */
export function planPitr(config: CockpitConfig, facts: PitrFacts, options: PitrOptions): PitrPlan {
  // --copy-back promotes by default: paused before the DROP's commit (the usual target), the copy would hold that table's lock, and pg_dump could not read it.
  const action = options.action ?? (options.copyBack !== undefined ? 'promote' : 'pause');
  const resolved = resolvePitrBackup(facts, options);
  const checks: PreflightCheck[] = [];
  if (facts.timeZoneProblem) checks.push({ label: "the server's TimeZone is known (a time without a zone is read in it)", status: 'warn', observed: facts.timeZoneProblem, fix: 'give the time with an offset (+09:00) or Z' });
  checks.push(resolved.targetCheck);
  if (resolved.backupCheck) checks.push(resolved.backupCheck);
  for (const problem of facts.catalogProblems) checks.push({ label: 'the catalog reads', status: 'warn', observed: problem });
  const { target, backup } = resolved;
  const found = backup ? facts.windows?.find((candidate) => candidate.backupId === backup.id) : undefined;
  // pg_waldump could not read the WAL (missing, or another major's): the window is unknown, not empty; only the backup's end is checked then.
  const unread = found !== undefined && windowUnread(found);
  const window = unread ? undefined : found;
  const windowProblem = unread ? found?.problem : facts.windowProblem;
  if (target && backup) checks.push(window ? targetInWindowCheck(target, backup, window) : targetAfterBackupCheck(target, backup));
  const host = facts.hostFacts;
  if (options.inPlace !== undefined && (options.restoreTo !== undefined || options.port !== undefined)) {
    checks.push({ label: '--in-place or a new directory and port', status: 'fail', observed: '--in-place was given with --restore-to or --port', fix: 'in place, the node keeps its data directory and port: leave --restore-to and --port out' });
  }
  if (backup && host) checks.push(...hostChecks(host, backup));
  if (options.copyBack !== undefined) checks.push(...copyBackChecks(options, action, facts.copyBack));
  const blockedReasons = failedChecks(checks);
  const inPlace = host?.inPlace;
  const where = inPlace ? ` in place on ${inPlace.node} (its data directory kept aside at ${inPlace.keptDir})` : ` side by side${host ? ` in ${host.dest}, port ${host.port}` : ''}`;
  const base = {
    title: `pitr: recover ${backup?.id ?? facts.asked} to ${target ? describeTarget(target) : '?'}${where}`,
    target: inPlace?.node ?? options.inPlace ?? backup?.host ?? facts.asked,
    checks,
    // In place replaces a node's data: the node's name is typed, as for a rebuild.
    confirmWord: options.inPlace ?? backup?.id ?? facts.asked,
    warnings: [] as string[],
    action,
    undoOnFailure: true,
    succeededLine: () => 'recovered',
  };
  if (!target || !backup || !host || blockedReasons.length > 0) return { ...base, steps: [], blocked: true, blockedReasons: blockedReasons.length > 0 ? blockedReasons : ['the plan could not be made'] };
  const written = writtenTarget(target, window);
  const setting = targetSetting(written);
  // Side by side on production's host: at most 1 GB of shared_buffers, said in the plan.
  const productionBuffers = facts.timeZone?.sharedBuffersBytes;
  const smallerBuffers = !inPlace && productionBuffers !== undefined && productionBuffers > SIDE_BY_SIDE_SHARED_BUFFERS_BYTES;
  const settings = recoverySettings({
    target: written,
    action,
    inclusive: options.exclusive !== true,
    timeline: window?.timeline ?? 'latest',
    restoreCommand: archiveRestoreCommand(host.archiveDir!),
    port: host.port,
    clusterName: inPlace ? inPlace.node : `pitr-${path.posix.basename(host.dest)}`.slice(0, 63),
    major: major(backup.serverVersion),
    ...(smallerBuffers ? { sharedBuffers: '1GB' } : {}),
  });
  const segmentBytes = backup.walSegmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const newestEnd = host.newestSegment ? formatLsn(segmentStartLsn(host.newestSegment, segmentBytes) + BigInt(segmentBytes)) : undefined;
  const to = target.kind === 'lsn' ? target.value : target.kind === 'immediate' ? backup.endLsn : (window?.toLsn ?? newestEnd);
  const node = config.nodes.find((candidate) => candidate.name === backup.node);
  const logFile = recoveryLogFile(host.dest, host.stamp);
  // A plain backup is looked at; a tar's postgresql.conf is known only once unpacked (listing the tar would read all of it).
  const writeConf = backup.format === 'tar' ? 'if missing' : host.confPresent === false ? 'yes' : 'no';
  const plan: PitrPlan = {
    ...base,
    steps: [],
    blocked: false,
    blockedReasons: [],
    backupId: backup.id,
    dest: host.dest,
    port: host.port,
    address: host.address,
    defaultDest: host.defaultDest,
    pgCtl: host.pgCtl,
    login: node?.user ?? 'postgres',
    logFile,
    ...(inPlace ? { inPlace: { node: inPlace.node, keptDir: inPlace.keptDir } } : {}),
    retryCommand: pitrCommandLine(backup.id, options, action),
  };
  // In place the recovered server is a node of the cluster, not a copy: promoting it is a failover's decision (p, with its checks against a second primary), never the copy's Ctrl-P.
  if (node && !inPlace) {
    const binNode = config.nodes.find((candidate) => candidate.name === host.host) ?? node;
    plan.copy = { host: host.host, address: host.address, port: host.port, dest: host.dest, pgCtl: host.pgCtl, psql: pgTool(binNode, 'psql'), loginNode: node.name, user: node.user, database: node.database, major: major(backup.serverVersion), backupId: backup.id };
  }
  plan.succeededLine = () => pitrSucceeded(plan);
  if (smallerBuffers) plan.warnings.push(`shared_buffers is ${Math.round(productionBuffers! / 1024 ** 2)} MB on ${facts.timeZone!.node}: the copy gets 1 GB, so it does not take as much again beside production on its host`);
  if (window === undefined) plan.warnings.push(`the archive's recoverable window was not read${windowProblem ? ` (${windowProblem})` : ''}: only the backup's end was checked; a gap or a target past the last archived commit stops the recovery, with the reason`);
  if (writeConf === 'yes') plan.warnings.push(`${backup.id} has no postgresql.conf (a Debian-style cluster keeps it in /etc/postgresql): step 2 writes a minimal one into the copy (listen_addresses, TCP only, max_connections and its kin from pg_controldata) and a pg_hba.conf if none; your own settings from /etc are not applied`);
  if (inPlace) {
    const others = config.nodes.filter((candidate) => candidate.name !== inPlace.node).map((candidate) => candidate.name);
    if (others.length > 0) plan.warnings.push(`${others.join(', ')} still follow the history ${inPlace.node} is recovered away from: once it is right, rebuild them from it (pgcockpit rebuild NODE --from ${inPlace.node})`);
    if (action === 'promote') plan.warnings.push(`with --action promote, ${inPlace.node} opens as a writable primary on a new timeline, beside any primary that is up: clients that reach it write there (pause, the default, keeps it read-only until you promote it)`);
  }
  plan.steps = pitrSteps(
    {
      host: host.host,
      osUser: backup.osUser,
      backupId: backup.id,
      backupPath: backup.path,
      format: backup.format,
      dest: host.dest,
      destCreated: host.destState === 'absent',
      asideDir: host.asideDir,
      port: host.port,
      pgCtl: host.pgCtl,
      postgres: host.postgres,
      settings,
      action,
      targetSetting: setting,
      logFile,
      claimFile: path.posix.join(host.dest, `pgcockpit-pitr-${host.stamp}.claim`),
      writeConf,
      address: host.address,
      ...(inPlace ? { inPlaceNode: inPlace.node } : {}),
      replay: { ...(backup.startLsn ? { from: backup.startLsn } : {}), to: to ?? backup.endLsn ?? '0/0', segmentBytes },
    },
    (end) => {
      plan.end = end;
    },
  );
  const primary = config.nodes.find((candidate) => candidate.name === facts.copyBack?.primary);
  if (options.copyBack !== undefined && primary && facts.copyBack && node) {
    const binNode = config.nodes.find((candidate) => candidate.name === host.host) ?? node;
    plan.steps.push(
      ...copyBackSteps({
        host: host.host,
        address: host.address,
        port: host.port,
        login: node,
        primary,
        database: facts.copyBack.database,
        table: options.copyBack,
        dumpFile: path.posix.join(host.dest, `pgcockpit-copy-back-${options.copyBack.replace(/[^A-Za-z0-9_.-]/g, '_')}.dump`),
        pgDump: pgTool(binNode, 'pg_dump'),
        pgRestore: pgTool(binNode, 'pg_restore'),
        psql: pgTool(binNode, 'psql'),
      }),
    );
    plan.copyBack = { table: options.copyBack, primary: primary.name };
  }
  const inPlaceNode = inPlace ? config.nodes.find((candidate) => candidate.name === inPlace.node) : undefined;
  if (inPlace && inPlaceNode) plan.steps.unshift(moveAsideStep(inPlaceNode, inPlace.keptDir));
  return plan;
}

/** The command line that plans and runs the same recovery again (after a cancel, whose copy was removed, or a failure, whose copy was moved aside). */
export function pitrCommandLine(backupId: string, options: PitrOptions, action: string): string {
  const word = (value: string) => (/^[A-Za-z0-9_.,:/@%+=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);
  const target = options.target ?? {};
  const flags: Array<[string, string | undefined]> = [
    ['--target-time', target.time],
    ['--target-name', target.name],
    ['--target-lsn', target.lsn],
    ['--target', target.target],
    ['--action', action],
    ['--restore-to', options.restoreTo],
    ['--port', options.port === undefined ? undefined : String(options.port)],
    ['--in-place', options.inPlace],
    ['--copy-back', options.copyBack],
    ['--db', options.database],
  ];
  const words = ['pgcockpit', 'pitr', '--backup', word(backupId), ...flags.flatMap(([flag, value]) => (value === undefined || value.trim() === '' ? [] : [flag, word(value.trim())])), ...(options.exclusive ? ['--exclusive'] : []), '--yes'];
  return words.join(' ');
}

/** The line after a successful recovery: what was reached, how to connect, how to remove it. */
export function pitrSucceeded(plan: PitrPlan): string {
  const end = plan.end;
  const state = end?.state === 'paused' ? `paused at the target, read-only${plan.copy ? `; to ${pausedCopyCommands(plan.copy)}` : ' (select pg_wal_replay_resume() ends recovery)'}` : end?.state === 'promoted' ? 'promoted: a writable copy' : 'shut down at the target';
  const point = end?.stoppedAt ? `; ${end.stoppedAt}` : '';
  const connect = end?.state === 'shut down' ? `start it: ${plan.pgCtl} -D ${plan.dest} -l ${plan.logFile ?? recoveryLogFile(plan.dest ?? '')} start` : `connect: psql -h ${plan.address} -p ${plan.port} -U ${plan.login} -d postgres`;
  const remove = plan.defaultDest
    ? `when done: ${plan.pgCtl} -D ${plan.dest} stop, then pgcockpit cleanup --remove ${plan.dest}`
    : `when done: ${plan.pgCtl} -D ${plan.dest} stop, then rm -rf ${plan.dest}`;
  const copied = plan.copyBack ? `; ${plan.copyBack.table} is restored on ${plan.copyBack.primary}` : '';
  // Up at the target without --copy-back: the shell's way to bring a table back from it, as the cockpit's Ctrl-T does (the primary's address is the DBA's to fill in).
  const copyBackHint = !plan.copyBack && plan.copy && end && end.state !== 'shut down' ? `; a table back into production: ${copyBackPipe(plan.copy)}` : '';
  if (plan.inPlace) return `${plan.inPlace.node} recovered in place from ${plan.backupId}, port ${plan.port}: ${state}${point}; ${connect}; its former data directory is kept at ${plan.inPlace.keptDir} (pgcockpit cleanup lists it)`;
  return `${plan.backupId} recovered side by side in ${plan.dest}, port ${plan.port}: ${state}${point}${copied}; ${connect}${copyBackHint}; ${remove}${copied ? '' : '; production was not touched'}`;
}

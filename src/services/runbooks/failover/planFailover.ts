import { formatBytes } from '../../cluster/formatBytes.js';
import type { NodeSnapshot } from '../../cluster/nodeSnapshot.js';
import { listNames } from '../../cluster/listNames.js';
import { sameHost } from '../../cluster/sameHost.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { lsnDiffBytes } from '../../postgres/lsn.js';
import { slotNameFor } from '../../postgres/slotName.js';
import { conninfoEndpoint, repointConninfo } from '../conninfoEdit.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import { archiveCommandCheck } from '../preflight/archiveCommandCheck.js';
import { failoverSlotsChecks } from '../preflight/failoverSlotsCheck.js';
import { alterSystemCheck } from '../preflight/alterSystemCheck.js';
import { dataDirCheck } from '../preflight/dataDirProof.js';
import type { FollowerLogin } from '../preflight/replicationLogin.js';
import { replicationLoginCheck } from '../preflight/replicationLogin.js';
import type { FailoverFacts } from './failoverFacts.js';
import { clusterSystemIdentifier } from './failoverFacts.js';
import type { FailoverRun } from './failoverSteps.js';
import { unknownNodeCheck } from '../unknownNodeCheck.js';
import { serverLogCheck } from '../serverLogCheck.js';
import { withServerLog } from '../serviceControl.js';
import { aliveEvidence, streamingFollowers } from './primaryAlive.js';
import { sqlLiteral } from './repointStandby.js';
import { adviseFailoverStops } from './failoverStopAdvice.js';
import { planSwitchover } from '../switchover/planSwitchover.js';
import {
  catchUpStep,
  checkpointStep,
  createSlotsStep,
  fenceStep,
  lsnAfter,
  markRebuildStep,
  promoteStep,
  repointStep,
  resumeReplayStep,
} from './failoverSteps.js';

export interface FailoverOptions {
  /** --resume-replay: accept the offer to resume a paused replay first (on the target and on every standby that will follow it). */
  resumeReplay?: boolean;
  promoteTimeoutMs?: number;
  /** How long each re-pointed standby has to stream from the new primary. */
  streamTimeoutMs?: number;
  catchUpTimeoutMs?: number;
  /** --fence: when the old primary's server still runs on its host, stop it first (through its runner). */
  fence?: boolean;
  /** --allow-two-primaries: promote although the old primary is alive; the operator then types "two primaries". */
  allowTwoPrimaries?: boolean;
  /** --ignore-failover-slots: promote although the primary's failover slots have no synced copy on the target. */
  ignoreFailoverSlots?: boolean;
}

/** What the operator types to promote beside a live primary: the words say what it does. */
export const TWO_PRIMARIES_WORD = 'two primaries';

export interface FailoverPlan extends Plan {
  /** Filled in by the steps as they run: received LSN, new timeline, nodes needing a rebuild. */
  run: FailoverRun;
  oldPrimary: string | null;
  /** The most WAL any standby received from the old primary (plan time). */
  lastKnownPrimaryLsn: string | null;
  /** The target's receive LSN at plan time. */
  targetReceivedLsn: string | null;
  /** Nodes whose server still runs on their host, not fenced by this plan: planning again with fence stops them first. */
  fenceOffer: string[];
  /** Refused only because WAL replay is paused (target or a follower) and resumeReplay was not chosen: planning again with it resumes it first. */
  resumeReplayOffer: boolean;
  /** The replication logins the followers will make: prepareFailover tries them and plans again with the results. */
  followerLogins: FollowerLogin[];
  /** Nodes whose data directory must be proven theirs (facts.dataDirs) before a service action or a host answer is trusted. */
  dataDirNodes: string[];
}

/**
 * The failover plan for promoting `targetName`, from one look at the cluster
 * (pure: no I/O). Refusals are failed checks and leave no steps: the target is
 * not configured, not reachable, not a standby; another primary is up and
 * writable (split brain: that is a switchover); the old primary is alive
 * (answers, runs on its host, or still feeds a standby) and is neither
 * fenced nor overridden; replay is paused and resuming was not accepted; the
 * target lacks walsenders or slots for the others.
 */
export function planFailover(config: CockpitConfig, facts: FailoverFacts, targetName: string, options: FailoverOptions = {}): FailoverPlan {
  const promoteTimeoutMs = options.promoteTimeoutMs ?? 60_000;
  const streamTimeoutMs = options.streamTimeoutMs ?? 30_000;
  const run: FailoverRun = { needsRebuild: [] };
  const checks: PreflightCheck[] = [];
  const warnings: string[] = [];
  const fenceOffer: string[] = [];
  const followerLogins: FollowerLogin[] = [];
  const dataDirNodes: string[] = [];
  /** Refusals that an offer answers (resume replay, fence): the plan keeps the offer when they are the only ones. */
  const pausedRefusals: PreflightCheck[] = [];
  const fenceRefusals: PreflightCheck[] = [];
  let mustType = false;
  /** The split-brain guard refused (another primary is writable) and a switchover would be planned: the modal offers it instead. */
  let offersSwitchover = false;
  const base = { title: `failover: promote ${targetName} to primary`, target: targetName, run };
  const finish = (steps: PlanStep[], extra: Pick<FailoverPlan, 'oldPrimary' | 'lastKnownPrimaryLsn' | 'targetReceivedLsn'>): FailoverPlan => {
    const blockedReasons = failedChecks(checks);
    const blocked = blockedReasons.length > 0;
    const failed = checks.filter((check) => check.status === 'fail');
    const onlyOffered = (offered: PreflightCheck[]) => failed.every((check) => offered.includes(check));
    const resumeReplayOffer = blocked && pausedRefusals.length > 0 && onlyOffered([...pausedRefusals, ...fenceRefusals]);
    const fenceKept = blocked ? (fenceRefusals.length > 0 && onlyOffered([...pausedRefusals, ...fenceRefusals]) ? fenceOffer : []) : fenceOffer;
    return {
      ...base,
      confirmWord: mustType ? TWO_PRIMARIES_WORD : targetName,
      ...(mustType ? { mustType: true } : {}),
      checks,
      steps: blocked ? [] : steps,
      blocked,
      blockedReasons,
      warnings,
      fenceOffer: fenceKept,
      resumeReplayOffer,
      ...(blocked && offersSwitchover ? { offersSwitchover: true } : {}),
      followerLogins,
      dataDirNodes,
      ...extra,
    };
  };
  const none = { oldPrimary: null, lastKnownPrimaryLsn: null, targetReceivedLsn: null };

  const target = config.nodes.find((node) => node.name === targetName);
  if (!target) {
    checks.push(unknownNodeCheck(config, targetName));
    return finish([], none);
  }
  const snapshots = new Map(facts.view.nodes.map((node) => [node.name, node]));
  const snap = snapshots.get(target.name);
  const server = snap?.status === 'up' ? snap.server : undefined;

  // 1. The target: a reachable standby.
  if (!snap || snap.status !== 'up' || !server) {
    checks.push({
      label: `${target.name} is a reachable standby`,
      status: 'fail',
      observed: `${target.name} is down: ${snap?.downReason ?? 'not polled'}`,
      fix: `start ${target.name}, or promote another standby`,
    });
    return finish([], none);
  }
  if (snap.role !== 'standby') {
    checks.push({
      label: `${target.name} is a reachable standby`,
      status: 'fail',
      observed: `${target.name} is a primary already (timeline ${server.timeline ?? '?'}, at ${server.currentLsn ?? '?'}): there is nothing to promote`,
      fix: 'to give the primary role to another node, promote a standby (switchover when this primary is to stay up)',
    });
    return finish([], none);
  }
  checks.push({
    label: `${target.name} is a reachable standby`,
    status: 'ok',
    observed: `standby on timeline ${server.timeline ?? '?'}, PostgreSQL ${server.version}`,
  });

  // 2. Replay not paused: promotion would wait for it forever.
  const steps: PlanStep[] = [];
  /** Stopping old primaries that still run (fence): before everything else. */
  const fenceSteps: PlanStep[] = [];
  if (server.replayPaused) {
    if (options.resumeReplay) {
      checks.push({ label: 'WAL replay is not paused', status: 'warn', observed: 'paused; it is resumed first (--resume-replay)' });
      steps.push(resumeReplayStep(target));
    } else {
      const refusal: PreflightCheck = {
        label: 'WAL replay is not paused',
        status: 'fail',
        observed: `replay is paused on ${target.name} with ${formatBytes(server.replayGapBytes ?? 0)} received but not applied`,
        fix: 'resume it first: pass --resume-replay (select pg_wal_replay_resume())',
      };
      pausedRefusals.push(refusal);
      checks.push(refusal);
    }
  } else {
    checks.push({ label: 'WAL replay is not paused', status: 'ok', observed: 'replaying' });
  }

  // 3. Its WAL, against every other standby's: the most advanced must win, or the others cannot follow.
  const has = (node: NodeSnapshot | undefined) => greatestLsn(node?.server?.receiveLsn, node?.server?.replayLsn);
  const targetHas = has(snap);
  const standbys = facts.view.nodes.filter((node) => node.status === 'up' && node.role === 'standby');
  const lastKnownPrimaryLsn = standbys.map(has).reduce<string | null>((best, lsn) => (lsnAfter(lsn, best) ? lsn : best), null);
  const link = facts.view.links.find((candidate) => candidate.standby === target.name);
  checks.push({
    label: `WAL on ${target.name}`,
    status: 'ok',
    observed:
      `received ${server.receiveLsn ?? '?'}, replayed ${server.replayLsn ?? '?'}` +
      ` (${formatBytes(server.replayGapBytes ?? 0)} to apply), lag ${link?.lagBytes == null ? 'unknown' : formatBytes(link.lagBytes)}`,
  });

  const targetArchiving = archiveCommandCheck(snap);
  if (targetArchiving) checks.push(targetArchiving);

  // 4. The current primary: split-brain guard.
  const others = config.nodes.filter((node) => node.name !== target.name);
  const livePrimaries = others.filter((node) => snapshots.get(node.name)?.status === 'up' && snapshots.get(node.name)?.role === 'primary');
  const writable = livePrimaries.filter((node) => facts.extras[node.name]?.transactionReadOnly !== true);
  const oldPrimary = livePrimaries[0] ?? upstreamOf(target, facts, config) ?? soleDownNode(others, snapshots);
  if (writable.length > 0) {
    const names = listNames(writable.map((node) => node.name));
    const runs = writable.length === 1 ? 'runs' : 'run';
    // Offer only what can run: a switchover planned on the same look at the cluster (two primaries refuse it too).
    const switchoverRefusal = switchoverRefusalOn(config, facts, target.name);
    offersSwitchover = switchoverRefusal === undefined;
    checks.push({
      label: 'no other primary is writable (split-brain guard)',
      status: 'fail',
      observed: writable
        .map((node) => `${node.name} is up and writable (primary at ${snapshots.get(node.name)?.server?.currentLsn ?? '?'})`)
        .join('; '),
      fix: offersSwitchover
        ? `failover is for a primary that is gone; to move the role while ${names} ${runs}, use switchover (it demotes ${names} first), or stop ${names} and plan again`
        : `failover is for a primary that is gone: stop ${names} and plan again; a switchover to ${target.name} is refused too: ${switchoverRefusal}`,
    });
  } else if (livePrimaries.length > 0) {
    const names = listNames(livePrimaries.map((node) => node.name));
    const one = livePrimaries.length === 1;
    checks.push({
      label: 'no other primary is writable (split-brain guard)',
      status: 'warn',
      observed: `${names} ${one ? 'is up as a primary' : 'are up as primaries'} but read-only (transaction_read_only = on)`,
      fix: `${one ? 'it still holds' : 'they still hold'} the primary role: stop ${one ? 'it' : 'them'} before confirming`,
    });
    warnings.push(`${names} ${one ? 'is still up as a read-only primary' : 'are still up as read-only primaries'}`);
  }

  // 4b. A down old primary (or, unknown, every down node): gone, or alive where pgcockpit cannot log in?
  const clusterSystemId = clusterSystemIdentifier(facts);
  const downOthers = others.filter((node) => snapshots.get(node.name)?.status !== 'up');
  const candidates = oldPrimary ? downOthers.filter((node) => node.name === oldPrimary.name) : livePrimaries.length > 0 ? [] : downOthers;
  if (candidates.length === 0 && livePrimaries.length === 0) {
    checks.push({ label: 'no other primary is writable (split-brain guard)', status: 'warn', observed: 'no primary is reachable, and the old one is unknown' });
  }
  for (const node of candidates) {
    dataDirNodes.push(node.name);
    const result = oldPrimaryCheck(node, facts, clusterSystemId, options, fenceStep);
    checks.push(...result.checks);
    warnings.push(...result.warnings);
    fenceSteps.push(...result.fenceSteps);
    fenceOffer.push(...result.fenceOffer);
    fenceRefusals.push(...result.fenceRefusals);
    if (result.twoPrimaries) mustType = true;
  }

  // 4c. Failover slots (17+): the subscribers carry on only through a synced copy on the target.
  if (oldPrimary) {
    const primarySnap = snapshots.get(oldPrimary.name);
    const primaryServer = primarySnap?.status === 'up' ? primarySnap.server : undefined;
    checks.push(
      ...failoverSlotsChecks({
        target: snap,
        primaryName: oldPrimary.name,
        primarySlots: primaryServer?.slots ?? facts.lastSeenSlots?.[oldPrimary.name]?.slots,
        ...(primaryServer ? { primarySettings: primaryServer.settings } : {}),
        ...(options.ignoreFailoverSlots ? { ignore: true } : {}),
      }),
    );
  }

  // 5. Each other standby: left alone when it already follows the target (or another standby), else re-pointed.
  const siblings = others.filter((node) => node.name !== oldPrimary?.name);
  let catchUpFrom: { node: NodeConfig; lsn: string } | undefined;
  const repoints: PlanStep[] = [];
  const newSlots: Array<{ node: string; slot: string }> = [];
  const existingSlots = new Set(server.slots.map((slot) => slot.name));
  for (const sibling of siblings) {
    const sibSnap = snapshots.get(sibling.name);
    const label = `${sibling.name} can follow ${target.name}`;
    if (sibSnap?.status !== 'up' || sibSnap.role !== 'standby') {
      const observed = sibSnap?.status === 'up' ? `${sibling.name} is a ${sibSnap.role}` : `${sibling.name} is down (${sibSnap?.downReason ?? 'not polled'})`;
      checks.push({ label, status: 'warn', observed, fix: `it is not re-pointed (and no slot is made for it): re-point or rebuild it when it is back` });
      continue;
    }
    const extras = facts.extras[sibling.name];
    if (!extras) {
      checks.push({ label, status: 'fail', observed: `could not read ${sibling.name}'s primary_conninfo`, fix: 'check that the configured user may read settings (superuser or pg_read_all_settings)' });
      continue;
    }
    if (extras.recoveryTargetTimeline !== 'latest') {
      checks.push({
        label,
        status: 'fail',
        observed: `recovery_target_timeline = ${extras.recoveryTargetTimeline}: it would not follow the new timeline`,
        fix: `alter system set recovery_target_timeline = 'latest' on ${sibling.name} and restart it`,
      });
      continue;
    }
    const sibHas = has(sibSnap);
    if (lsnAfter(sibHas, targetHas) && sibHas) {
      if (!catchUpFrom || lsnAfter(sibHas, catchUpFrom.lsn)) catchUpFrom = { node: sibling, lsn: sibHas };
    }
    // A paused replay never reaches the timeline switch: the re-point would wait for nothing.
    const sibPaused = sibSnap.server?.replayPaused === true;
    if (sibPaused && !options.resumeReplay) {
      const refusal: PreflightCheck = {
        label,
        status: 'fail',
        observed: `replay is paused on ${sibling.name} (${formatBytes(sibSnap.server?.replayGapBytes ?? 0)} received but not applied): it cannot switch to the new timeline`,
        fix: 'resume it first: pass --resume-replay (Ctrl-R in the cockpit), or select pg_wal_replay_resume() on it and plan again',
      };
      pausedRefusals.push(refusal);
      checks.push(refusal);
      continue;
    }
    const upstreamName = currentUpstream(sibling, facts, config);
    const upstreamSnap = upstreamName ? snapshots.get(upstreamName) : undefined;
    // Left alone only behind the target or a live standby: one behind a node that is down (or unknown) would be stranded.
    const followsLiveStandby = upstreamName === target.name || (upstreamSnap?.status === 'up' && upstreamSnap.role === 'standby');
    if (upstreamName && upstreamName !== oldPrimary?.name && followsLiveStandby) {
      // A cascade: it streams from the target (or another standby), which carries it onto the new timeline.
      checks.push({
        label,
        status: 'ok',
        observed: `it streams from ${upstreamName}${upstreamName === target.name ? ` already (a cascade)` : `, a standby`}: left alone, it follows the new timeline through ${upstreamName}`,
      });
      continue;
    }
    const edited = repointConninfo(extras.primaryConninfo, { host: target.host, port: target.port, user: config.replication.user });
    const slot = extras.primarySlotName || slotNameFor(config.replication.slotNamePattern, sibling.name);
    if (!existingSlots.has(slot) && !newSlots.some((entry) => entry.slot === slot)) newSlots.push({ node: sibling.name, slot });
    const login: FollowerLogin = { node: sibling, upstream: target.name, conninfo: edited.conninfo };
    followerLogins.push(login);
    const loginResult = facts.logins?.[sibling.name];
    const loginOk = loginResult?.ok !== false;
    checks.push({
      label,
      status: sibPaused ? 'warn' : 'ok',
      observed:
        `standby${sibSnap.server?.walReceiver ? `, WAL receiver ${sibSnap.server.walReceiver.status}` : ', not streaming'}, received ${sibHas ?? '?'}; ` +
        `re-pointed keeping its own credentials${edited.hasPassword ? ' (the password in its primary_conninfo stays there)' : ''}, slot ${slot}` +
        (sibPaused ? '; its paused replay is resumed first (--resume-replay)' : ''),
    });
    if (facts.logins) checks.push(replicationLoginCheck(login, loginResult, 'warn'));
    if (!loginOk) warnings.push(`${sibling.name} will not follow ${target.name}: ${loginResult?.detail ?? 'its replication login fails'}`);
    if (sibPaused) repoints.push(resumeReplayStep(sibling));
    const siblingLog = sibSnap.server && sibSnap.server.versionNum < 130000 ? facts.serverLogs?.[sibling.name] : undefined;
    if (siblingLog) checks.push(serverLogCheck(sibling.name, siblingLog));
    const byFile = alterSystemCheck(sibling, sibSnap);
    if (byFile) {
      checks.push(byFile.check);
      // Written into its data directory through its host: the directory must be proven its own (on 12 the restart below asks the same).
      if (byFile.byFile && !(sibSnap.server && sibSnap.server.versionNum < 130000)) {
        dataDirNodes.push(sibling.name);
        if (facts.dataDirs) checks.push(dataDirCheck(sibling, facts.dataDirs[sibling.name], clusterSystemId));
      }
    }
    repoints.push(
      repointStep(withServerLog(sibling, siblingLog), target, {
        ...(byFile?.byFile ? { alterSystem: false } : {}),
        conninfo: edited.conninfo,
        slot,
        versionNum: sibSnap.server?.versionNum ?? 0,
        timeoutMs: streamTimeoutMs,
        expectStreaming: loginOk,
      }),
    );
    if (sibSnap.server && sibSnap.server.versionNum < 130000) {
      // PostgreSQL 12 re-reads primary_conninfo only on a restart: a service action, so its data directory must be its own.
      dataDirNodes.push(sibling.name);
      if (facts.dataDirs) checks.push(dataDirCheck(sibling, facts.dataDirs[sibling.name], clusterSystemId));
    }
  }

  // 5b. Slots the dead primary held that belong to no standby (pg_receivewal, a backup tool, logical decoding): gone with it.
  if (oldPrimary && snapshots.get(oldPrimary.name)?.status !== 'up') {
    const standbySlots = new Set(
      config.nodes.flatMap((node) => [slotNameFor(config.replication.slotNamePattern, node.name), facts.extras[node.name]?.primarySlotName ?? '']),
    );
    const seen = facts.lastSeenSlots?.[oldPrimary.name];
    for (const slot of seen?.slots.filter((candidate) => !standbySlots.has(candidate.name)) ?? []) {
      const when = new Date(seen!.at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
      checks.push({
        label: `${oldPrimary.name}'s slot ${slot.name} (${slot.type}, last seen ${when})`,
        status: 'warn',
        observed: `not a standby's slot, and not on ${target.name}: its client (pg_receivewal, a backup tool${slot.type === 'logical' ? ', logical decoding' : ''}) has nothing to stream from after the failover`,
        fix:
          slot.type === 'physical'
            ? `create it on ${target.name} once it is the primary (select pg_create_physical_replication_slot(${sqlLiteral(slot.name)}, true)) and point its client there`
            : `a logical slot cannot be recreated with its position: its consumer must start again from a new slot on ${target.name}`,
      });
    }
  }

  // 6. Room on the target for the re-pointed standbys' walsenders and slots.
  const repointed = followerLogins.length;
  checks.push(capacityCheck(`free max_wal_senders on ${target.name}`, server.settings.max_wal_senders, server.replicas.length, repointed));
  checks.push(capacityCheck(`free max_replication_slots on ${target.name}`, server.settings.max_replication_slots, server.slots.length, newSlots.length));

  if (catchUpFrom) {
    const ahead = lsnDiffBytes(catchUpFrom.lsn, targetHas) ?? 0;
    checks.push({
      label: `${target.name} has the most WAL of the standbys`,
      status: 'warn',
      observed: `${catchUpFrom.node.name} received up to ${catchUpFrom.lsn}, ${formatBytes(ahead)} more than ${target.name}`,
      fix: `${target.name} first streams that WAL from ${catchUpFrom.node.name}, then is promoted`,
    });
    const sourceConninfo = repointConninfo(facts.extras[target.name]?.primaryConninfo ?? '', {
      host: catchUpFrom.node.host,
      port: catchUpFrom.node.port,
      user: config.replication.user,
    }).conninfo;
    // PostgreSQL 12 restarts to read the new primary_conninfo: it goes on logging where it did.
    const targetLog = server.versionNum < 130000 ? facts.serverLogs?.[target.name] : undefined;
    if (targetLog) checks.push(serverLogCheck(target.name, targetLog));
    steps.push(catchUpStep(withServerLog(target, targetLog), catchUpFrom.node, catchUpFrom.lsn, sourceConninfo, options.catchUpTimeoutMs ?? streamTimeoutMs, server.versionNum));
  } else {
    checks.push({ label: `${target.name} has the most WAL of the standbys`, status: 'ok', observed: `${targetHas ?? '?'}` });
  }

  steps.push(promoteStep(target, { oldPrimary: oldPrimary?.name ?? null, lastKnownPrimaryLsn, timeoutMs: promoteTimeoutMs }, run));
  steps.push(checkpointStep(target));
  if (newSlots.length > 0) steps.push(createSlotsStep(target, newSlots));
  steps.push(...repoints);
  if (oldPrimary) steps.push(markRebuildStep(oldPrimary.name, target.name, run));
  const advised = adviseFailoverStops([...fenceSteps, ...steps], { target: target.name, oldPrimary: oldPrimary?.name ?? null, run });
  return finish(advised, { oldPrimary: oldPrimary?.name ?? null, lastKnownPrimaryLsn, targetReceivedLsn: targetHas });
}

interface OldPrimaryVerdict {
  checks: PreflightCheck[];
  warnings: string[];
  fenceSteps: PlanStep[];
  fenceOffer: string[];
  fenceRefusals: PreflightCheck[];
  twoPrimaries: boolean;
}

/**
 * A down old primary: gone, or alive where pgcockpit cannot log in? Alive
 * (see aliveEvidence) refuses the failover unless it is fenced (stopped on
 * its host first, once its data directory is proven its own) or the
 * operator overrides with --allow-two-primaries. Not alive: what its host
 * says is reported, and a host that does not answer is a warning (it may
 * still run elsewhere).
 */
function oldPrimaryCheck(
  node: NodeConfig,
  facts: FailoverFacts,
  clusterSystemId: string | undefined,
  options: FailoverOptions,
  fence: (node: NodeConfig) => PlanStep,
): OldPrimaryVerdict {
  const verdict: OldPrimaryVerdict = { checks: [], warnings: [], fenceSteps: [], fenceOffer: [], fenceRefusals: [], twoPrimaries: false };
  const snapshot = facts.view.nodes.find((candidate) => candidate.name === node.name);
  const host = facts.hosts?.[node.name];
  const dataDirFacts = facts.dataDirs?.[node.name];
  const proof = facts.dataDirs ? dataDirCheck(node, dataDirFacts, clusterSystemId) : undefined;
  // Read and wrong (another server's port or another cluster's identifier): the host's answer is about someone else.
  const provenWrong = proof?.status === 'fail' && dataDirFacts?.port !== undefined && dataDirFacts.systemIdentifier !== undefined;
  const evidence = aliveEvidence(node, facts.view, host, facts.tcpOpen?.[node.name], !provenWrong);
  const label = `${node.name} is gone (it must not stay a primary beside the new one)`;
  const why = snapshot?.downReason ?? 'not polled';

  if (provenWrong && proof) verdict.checks.push(proof);
  if (evidence.length > 0) {
    const observed = `${node.name} is alive: ${evidence.join('; ')}; pgcockpit cannot log in to it (${why})`;
    if (options.fence && host?.state === 'running' && proof?.status === 'ok') {
      verdict.checks.push(proof, { label, status: 'ok', observed: `${observed}; it will be stopped first on its host (fence)` });
      verdict.fenceSteps.push(fence(node));
    } else if (options.allowTwoPrimaries) {
      verdict.twoPrimaries = true;
      const sentence = `TWO PRIMARIES: ${node.name} stays up and may go on accepting writes beside the new primary; what either writes is lost to the other (--allow-two-primaries)`;
      verdict.checks.push({ label, status: 'warn', observed, fix: sentence });
      verdict.warnings.push(sentence);
    } else {
      const canFence = host?.state === 'running' && !provenWrong;
      const refusal: PreflightCheck = {
        label,
        status: 'fail',
        observed,
        fix: canFence
          ? `fence it first: --fence (Ctrl-F in the cockpit) stops its server on its host, then promotes; or stop it yourself and plan again`
          : options.fence
            ? `it cannot be fenced from here (${host ? `its host says: ${host.detail}` : 'its host was not asked'}${provenWrong ? '; its dataDir is not its own' : ''}): stop it by hand (or cut it off), then plan again`
            : `stop it (or cut it off) and plan again; its host says: ${host?.detail ?? 'not asked'}`,
      };
      verdict.checks.push(refusal);
      if (canFence && !options.fence) {
        verdict.fenceOffer.push(node.name);
        verdict.fenceRefusals.push(refusal);
      }
      if (proof && proof.status !== 'ok' && !provenWrong && canFence) verdict.checks.push({ ...proof, status: 'warn' });
    }
    return verdict;
  }

  // No sign of life here. Its host's word, when it answered.
  const unreachable = `${node.name} is unreachable from here (${why}) and nothing accepts connections on ${node.host}:${node.port}`;
  if (!host) {
    verdict.checks.push({ label, status: 'warn', observed: `${unreachable}; its host was not asked`, fix: `make sure ${node.name} is stopped (or fenced off) before you confirm: two primaries split the data` });
    verdict.warnings.push(`${unreachable}: make sure it is stopped before you confirm`);
  } else if (host.state === 'stopped' && !provenWrong) {
    // Its host's word is newer than the view: a receiver still "streaming" from it has not noticed the end yet.
    const stale = streamingFollowers(node, facts.view);
    const lagging = stale.length > 0 ? ` (${listNames(stale)} still showed ${stale.length === 1 ? 'its' : 'their'} WAL receiver streaming from it a moment before: the end of the stream is not noticed yet)` : '';
    verdict.checks.push({ label, status: 'ok', observed: `${unreachable}; its host answers: ${host.detail}${options.fence ? '; nothing to fence' : ''}${lagging}` });
  } else if (host.state === 'noAnswer') {
    const sentence = `${node.name}'s host does not answer: if it is alive elsewhere it may still accept writes`;
    if (options.fence) {
      verdict.checks.push({ label, status: 'fail', observed: `${sentence} (${host.detail}); it cannot be stopped from here`, fix: `fence ${node.name} another way (power, network), then plan again without --fence` });
    } else {
      verdict.checks.push({ label, status: 'warn', observed: `${unreachable}; ${sentence} (${host.detail})`, fix: `make sure ${node.name} is stopped or cut off before you confirm` });
      verdict.warnings.push(sentence);
    }
  } else {
    const sentence = provenWrong
      ? `${node.name}'s host answers "${host.detail}", but about a data directory that is not ${node.name}'s: whether ${node.name}'s server runs is not known`
      : `${node.name}'s host answers but cannot tell whether its server runs (${host.detail})`;
    if (options.fence) {
      verdict.checks.push({ label, status: 'fail', observed: `${sentence}: it cannot be fenced from here`, fix: `stop ${node.name} by hand, then plan again without --fence` });
    } else {
      verdict.checks.push({ label, status: 'warn', observed: `${unreachable}; ${sentence}`, fix: `make sure ${node.name} is stopped before you confirm` });
      verdict.warnings.push(sentence);
    }
  }
  return verdict;
}

/**
 * Why a switchover to `target` would be refused on the same look at the
 * cluster (its first reason), or undefined when it would be planned: a refused
 * failover offers "switch over instead" only then. The hosts' answers the
 * failover gathered (down nodes' data directories, its followers' logins) are
 * about other nodes and connections, so the switchover is judged on the view.
 */
function switchoverRefusalOn(config: CockpitConfig, facts: FailoverFacts, target: string): string | undefined {
  const plan = planSwitchover(config, { view: facts.view, extras: facts.extras }, target);
  const refusal = plan.checks.find((check) => check.status === 'fail');
  return plan.blocked ? (refusal ? `${refusal.observed}${refusal.fix ? `; ${refusal.fix}` : ''}` : 'refused') : undefined;
}

function capacityCheck(label: string, setting: string | undefined, used: number, needed: number): PreflightCheck {
  const max = Number(setting);
  if (setting === undefined || !Number.isFinite(max)) {
    return { label, status: 'warn', observed: 'setting not visible to this role' };
  }
  const free = max - used;
  const observed = `${free} free of ${max}, ${needed} needed`;
  return free >= needed
    ? { label, status: 'ok', observed }
    : { label, status: 'fail', observed, fix: `raise it to at least ${used + needed} (takes a restart) before the failover` };
}

function greatestLsn(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  return lsnAfter(b, a) ? (b ?? null) : a;
}

/**
 * The configured node a standby's primary_conninfo points at. A Unix socket
 * directory (or no host at all, libpq's default) means a server on the
 * standby's own machine: only nodes on the same host can be it.
 */
function conninfoUpstream(node: NodeConfig, facts: FailoverFacts, config: CockpitConfig): NodeConfig | undefined {
  const text = facts.extras[node.name]?.primaryConninfo;
  if (!text) return undefined;
  try {
    const { host, port } = conninfoEndpoint(text);
    const local = host === undefined || host === '' || host.startsWith('/');
    return config.nodes.find(
      (candidate) => candidate !== node && candidate.port === port && (local ? sameHost(candidate.host, node.host) : sameHost(candidate.host, host)),
    );
  } catch {
    return undefined;
  }
}

/** Whom a standby streams from now: its link's upstream, else what its primary_conninfo names. */
function currentUpstream(node: NodeConfig, facts: FailoverFacts, config: CockpitConfig): string | undefined {
  const link = facts.view.links.find((candidate) => candidate.standby === node.name);
  if (link?.receiverStreaming && link.upstream) return link.upstream;
  return conninfoUpstream(node, facts, config)?.name ?? link?.upstream ?? undefined;
}

/**
 * The old primary, found up the target's chain of upstreams: in a cascade
 * (pg1 -> pg2 -> pg3) promoting pg3 makes pg1 the old primary, not pg2, a
 * live standby. The walk stops at the first node that is not an up standby.
 */
function upstreamOf(target: NodeConfig, facts: FailoverFacts, config: CockpitConfig): NodeConfig | undefined {
  const seen = new Set<string>([target.name]);
  let node = conninfoUpstream(target, facts, config);
  while (node && !seen.has(node.name)) {
    seen.add(node.name);
    const snapshot = facts.view.nodes.find((candidate) => candidate.name === node!.name);
    if (snapshot?.status !== 'up' || snapshot.role !== 'standby') return node;
    const next: string | undefined = currentUpstream(node, facts, config);
    node = config.nodes.find((candidate) => candidate.name === next);
  }
  return undefined;
}

function soleDownNode(nodes: NodeConfig[], snapshots: Map<string, NodeSnapshot>): NodeConfig | undefined {
  const down = nodes.filter((node) => snapshots.get(node.name)?.status !== 'up');
  return down.length === 1 ? down[0] : undefined;
}

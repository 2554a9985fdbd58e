import { formatBytes } from '../../cluster/formatBytes.js';
import type { NodeSnapshot } from '../../cluster/nodeSnapshot.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { lsnDiffBytes } from '../../postgres/lsn.js';
import { slotNameFor } from '../../postgres/slotName.js';
import { conninfoEndpoint, repointConninfo } from '../conninfoEdit.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { failedChecks } from '../plan.js';
import type { FailoverFacts } from './failoverFacts.js';
import type { FailoverRun } from './failoverSteps.js';
import { unknownNodeCheck } from '../unknownNodeCheck.js';
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
  /** --resume-replay: accept the offer to resume a paused replay first. */
  resumeReplay?: boolean;
  promoteTimeoutMs?: number;
  /** How long each re-pointed standby has to stream from the new primary. */
  streamTimeoutMs?: number;
  catchUpTimeoutMs?: number;
  /** --fence: when the old primary's server still runs on its host but does not answer here, stop it first (through its runner). */
  fence?: boolean;
}

export interface FailoverPlan extends Plan {
  /** Filled in by the steps as they run: received LSN, new timeline, nodes needing a rebuild. */
  run: FailoverRun;
  oldPrimary: string | null;
  /** The most WAL any standby received from the old primary (plan time). */
  lastKnownPrimaryLsn: string | null;
  /** The target's receive LSN at plan time. */
  targetReceivedLsn: string | null;
  /** Nodes whose server still runs on their host but does not answer here, not fenced by this plan: planning again with fence stops them first. */
  fenceOffer: string[];
  /** Refused only because WAL replay is paused on the target and resumeReplay was not chosen: planning again with resumeReplay resumes it first. */
  resumeReplayOffer: boolean;
}

/**
 * The failover plan for promoting `targetName`, from one look at the cluster
 * (pure: no I/O). Refusals are failed checks and leave no steps: the target is
 * not configured, not reachable, not a standby; another primary is up and
 * writable (split brain: that is a switchover); replay is paused and resuming
 * was not accepted; the target lacks walsenders or slots for the others.
 */
export function planFailover(config: CockpitConfig, facts: FailoverFacts, targetName: string, options: FailoverOptions = {}): FailoverPlan {
  const promoteTimeoutMs = options.promoteTimeoutMs ?? 60_000;
  const streamTimeoutMs = options.streamTimeoutMs ?? 30_000;
  const run: FailoverRun = { needsRebuild: [] };
  const checks: PreflightCheck[] = [];
  const warnings: string[] = [];
  const fenceOffer: string[] = [];
  /** The refusal a paused replay makes (resumeReplay not chosen): the only one, and the plan offers to resume it. */
  let pausedRefusal: PreflightCheck | undefined;
  const base = { title: `failover: promote ${targetName} to primary`, target: targetName, confirmWord: targetName, run };
  const finish = (steps: PlanStep[], extra: Pick<FailoverPlan, 'oldPrimary' | 'lastKnownPrimaryLsn' | 'targetReceivedLsn'>): FailoverPlan => {
    const blockedReasons = failedChecks(checks);
    const blocked = blockedReasons.length > 0;
    const resumeReplayOffer = blocked && pausedRefusal !== undefined && checks.every((check) => check.status !== 'fail' || check === pausedRefusal);
    return { ...base, checks, steps: blocked ? [] : steps, blocked, blockedReasons, warnings, fenceOffer: blocked ? [] : fenceOffer, resumeReplayOffer, ...extra };
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
      pausedRefusal = {
        label: 'WAL replay is not paused',
        status: 'fail',
        observed: `replay is paused on ${target.name} with ${formatBytes(server.replayGapBytes ?? 0)} received but not applied`,
        fix: 'resume it first: pass --resume-replay (select pg_wal_replay_resume())',
      };
      checks.push(pausedRefusal);
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

  // 4. The current primary: split-brain guard.
  const others = config.nodes.filter((node) => node.name !== target.name);
  const livePrimaries = others.filter((node) => snapshots.get(node.name)?.status === 'up' && snapshots.get(node.name)?.role === 'primary');
  const writable = livePrimaries.filter((node) => facts.extras[node.name]?.transactionReadOnly !== true);
  const oldPrimary = livePrimaries[0] ?? upstreamOf(target, facts, config) ?? soleDownNode(others, snapshots);
  if (writable.length > 0) {
    const names = writable.map((node) => node.name).join(', ');
    checks.push({
      label: 'no other primary is writable (split-brain guard)',
      status: 'fail',
      observed: writable
        .map((node) => `${node.name} is up and writable (primary at ${snapshots.get(node.name)?.server?.currentLsn ?? '?'})`)
        .join('; '),
      fix: `failover is for a primary that is gone; to move the role while ${names} runs, use switchover (it demotes ${names} first), or stop ${names} and plan again`,
    });
  } else if (livePrimaries.length > 0) {
    checks.push({
      label: 'no other primary is writable (split-brain guard)',
      status: 'warn',
      observed: `${livePrimaries.map((node) => node.name).join(', ')} is up as a primary but read-only (transaction_read_only = on)`,
      fix: 'it still holds the primary role: stop it before confirming',
    });
    warnings.push(`${livePrimaries.map((node) => node.name).join(', ')} is still up as a read-only primary`);
  } else if (oldPrimary) {
    const old = snapshots.get(oldPrimary.name);
    const observed = `${oldPrimary.name} is unreachable from here (${old?.downReason ?? 'not polled'}); it may still be alive and accept writes elsewhere`;
    checks.push({
      label: 'no other primary is writable (split-brain guard)',
      status: 'warn',
      observed,
      fix: `make sure ${oldPrimary.name} is stopped (or fenced off) before you confirm: two primaries split the data`,
    });
    warnings.push(observed);
  } else {
    checks.push({ label: 'no other primary is writable (split-brain guard)', status: 'warn', observed: 'no primary is reachable, and the old one is unknown' });
  }

  // 4b. The old primary's host, asked through its runner: a server that still runs but does not answer here could come back.
  const downOthers = others.filter((node) => snapshots.get(node.name)?.status !== 'up');
  const hostCandidates = oldPrimary ? downOthers.filter((node) => node.name === oldPrimary.name) : livePrimaries.length > 0 ? [] : downOthers;
  for (const node of hostCandidates) {
    const host = facts.hosts?.[node.name];
    if (!host) continue;
    const label = `${node.name}'s server is not running on its host (fence)`;
    if (host.state === 'stopped') {
      checks.push({ label, status: 'ok', observed: `${node.name}'s host answers: ${host.detail}${options.fence ? '; nothing to fence' : ''}` });
    } else if (host.state === 'running') {
      if (options.fence) {
        checks.push({ label, status: 'ok', observed: `${node.name} will be stopped first (its host says: ${host.detail})` });
        fenceSteps.push(fenceStep(node));
      } else {
        const sentence = `${node.name}'s server still runs on its host but does not answer here: it could come back as a second primary; fence it (--fence) before promoting`;
        checks.push({ label, status: 'warn', observed: `${node.name}'s server still runs on its host (${host.detail}) but does not answer here`, fix: `it could come back as a second primary; fence it (--fence) before promoting` });
        warnings.push(sentence);
        fenceOffer.push(node.name);
      }
    } else if (host.state === 'noAnswer') {
      const sentence = `${node.name}'s host does not answer: if it is alive elsewhere it may still accept writes`;
      if (options.fence) {
        checks.push({ label, status: 'fail', observed: `${sentence} (${host.detail}); it cannot be stopped from here`, fix: `fence ${node.name} another way (power, network), then plan again without --fence` });
      } else {
        checks.push({ label, status: 'warn', observed: `${sentence} (${host.detail})`, fix: `make sure ${node.name} is stopped or cut off before you confirm` });
        warnings.push(sentence);
      }
    } else {
      const sentence = `${node.name}'s host answers but cannot tell whether its server runs (${host.detail})`;
      if (options.fence) {
        checks.push({ label, status: 'fail', observed: `${sentence}: it cannot be fenced from here`, fix: `stop ${node.name} by hand, then plan again without --fence` });
      } else {
        checks.push({ label, status: 'warn', observed: sentence, fix: `make sure ${node.name} is stopped before you confirm` });
        warnings.push(sentence);
      }
    }
  }

  // 5. Room on the target for the others' walsenders and slots.
  const siblings = others.filter((node) => node.name !== oldPrimary?.name);
  const liveSiblings = siblings.filter((node) => snapshots.get(node.name)?.status === 'up' && snapshots.get(node.name)?.role === 'standby');
  const slotsFor = others.map((node) => ({ node: node.name, slot: slotNameFor(config.replication.slotNamePattern, node.name) }));
  const existingSlots = new Set(server.slots.map((slot) => slot.name));
  const newSlots = slotsFor.filter((entry) => !existingSlots.has(entry.slot));
  checks.push(capacityCheck(`free max_wal_senders on ${target.name}`, server.settings.max_wal_senders, server.replicas.length, liveSiblings.length, 'walsender'));
  checks.push(capacityCheck(`free max_replication_slots on ${target.name}`, server.settings.max_replication_slots, server.slots.length, newSlots.length, 'slot'));

  // 6. Each other standby: re-pointable, and not ahead of the target.
  let catchUpFrom: { node: NodeConfig; lsn: string } | undefined;
  const repoints: PlanStep[] = [];
  for (const sibling of siblings) {
    const sibSnap = snapshots.get(sibling.name);
    const label = `${sibling.name} can follow ${target.name}`;
    if (sibSnap?.status !== 'up' || sibSnap.role !== 'standby') {
      const observed = sibSnap?.status === 'up' ? `${sibling.name} is a ${sibSnap.role}` : `${sibling.name} is down (${sibSnap?.downReason ?? 'not polled'})`;
      checks.push({ label, status: 'warn', observed, fix: `it is not re-pointed: re-point or rebuild it when it is back` });
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
    const edited = repointConninfo(extras.primaryConninfo, { host: target.host, port: target.port, user: config.replication.user, applicationName: sibling.name });
    checks.push({
      label,
      status: edited.droppedPassword ? 'warn' : 'ok',
      observed: `standby${sibSnap.server?.walReceiver ? `, WAL receiver ${sibSnap.server.walReceiver.status}` : ', not streaming'}, received ${sibHas ?? '?'}`,
      ...(edited.droppedPassword ? { fix: `its primary_conninfo holds a password, which is not copied: put it in ${sibling.name}'s passfile` } : {}),
    });
    repoints.push(
      repointStep(sibling, target, {
        conninfo: edited.conninfo,
        slot: slotNameFor(config.replication.slotNamePattern, sibling.name),
        versionNum: sibSnap.server?.versionNum ?? 0,
        timeoutMs: streamTimeoutMs,
      }),
    );
  }
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
      applicationName: target.name,
    }).conninfo;
    steps.push(catchUpStep(target, catchUpFrom.node, catchUpFrom.lsn, sourceConninfo, options.catchUpTimeoutMs ?? streamTimeoutMs));
  } else {
    checks.push({ label: `${target.name} has the most WAL of the standbys`, status: 'ok', observed: `${targetHas ?? '?'}` });
  }

  steps.push(promoteStep(target, { oldPrimary: oldPrimary?.name ?? null, lastKnownPrimaryLsn, timeoutMs: promoteTimeoutMs }, run));
  steps.push(checkpointStep(target));
  if (newSlots.length > 0) steps.push(createSlotsStep(target, newSlots));
  steps.push(...repoints);
  if (oldPrimary) steps.push(markRebuildStep(oldPrimary.name, target.name, run));
  return finish([...fenceSteps, ...steps], { oldPrimary: oldPrimary?.name ?? null, lastKnownPrimaryLsn, targetReceivedLsn: targetHas });
}

function capacityCheck(label: string, setting: string | undefined, used: number, needed: number, what: string): PreflightCheck {
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

/** The node the target's primary_conninfo points at, if it is a configured one. */
function upstreamOf(target: NodeConfig, facts: FailoverFacts, config: CockpitConfig): NodeConfig | undefined {
  const text = facts.extras[target.name]?.primaryConninfo;
  if (!text) return undefined;
  try {
    const { host, port } = conninfoEndpoint(text);
    return config.nodes.find((node) => node !== target && node.port === port && (host === undefined || host === node.host || host.startsWith('/')));
  } catch {
    return undefined;
  }
}

function soleDownNode(nodes: NodeConfig[], snapshots: Map<string, NodeSnapshot>): NodeConfig | undefined {
  const down = nodes.filter((node) => snapshots.get(node.name)?.status !== 'up');
  return down.length === 1 ? down[0] : undefined;
}

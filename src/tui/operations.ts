import { AuditJournal } from '../services/audit/auditJournal.js';
import type { LastSeenSlots } from '../services/cluster/lastSeenSlots.js';
import type { CockpitConfig } from '../services/config/schema.js';
import type { PlanAudit, PlanOutcome } from '../services/runbooks/executePlan.js';
import { executePlan, planAuditSteps } from '../services/runbooks/executePlan.js';
import type { Plan, PlanStep } from '../services/runbooks/plan.js';
import type { LiveLists } from '../services/runbooks/form.js';
import { RUNBOOKS, runbookEntry } from '../services/runbooks/registry.js';
import type { PlanSessions } from '../services/runbooks/sqlSessions.js';
import type { CopyState } from '../services/runbooks/pitr/copyFollowUp.js';
import { isCopyFollowUp, notTheCopy, prepareCopyFollowUp } from '../services/runbooks/pitr/copyFollowUp.js';
import type { RecoveredCopy } from '../services/runbooks/pitr/recoveredCopy.js';
import { recoveredCopyOf } from '../services/runbooks/pitr/recoveredCopy.js';
import { createSqlSessions } from '../services/runbooks/sqlSessions.js';
import type { PlanEvent } from '../services/runbooks/planEvents.js';
import { jobLineText, planEventLines } from '../services/runbooks/planEvents.js';
import type { JobSignals } from '../services/runner/jobControl.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import type { SshEnvironment } from '../services/ssh/sshEnvironment.js';
import { maskSecrets, maskSecretsDeep } from '../services/runner/secretMasker.js';
import type { CockpitStore } from '../state/createCockpitStore.js';
import type { OperationChoices, OperationKind } from '../state/operation.js';
import { operationPlanOf } from '../state/operation.js';

/** A runbook's plan as its preparer returns it: its offers (fence, resume replay, switch over instead) are fields the planner sets. */
export type RunbookPlan = Plan;

/**
 * What the DBA accepted in the modal before the plan was made again (the
 * operation's choices): fence (Ctrl-F) stops a still-running old primary
 * first, resumeReplay (Ctrl-R) resumes the target's paused WAL replay first.
 */
export type PrepareChoices = OperationChoices;

/** Builds a runbook's plan for a target node: one look at the cluster, no change. */
/** What the cockpit has seen that a fresh look cannot show: the slots a node held before it went down. */
export interface CockpitMemory {
  lastSeenSlots?: Readonly<Record<string, LastSeenSlots>>;
  /** The sessions the plan's steps will use, for the preparer to open while the plan is on screen; the glue closes them. */
  sessions?: PlanSessions;
}

export type PreparePlan = (config: CockpitConfig, target: string, choices?: PrepareChoices, memory?: CockpitMemory) => Promise<RunbookPlan>;

export interface OperationsOptions {
  /** The journal plans are recorded in before they run; default: the operator's (~/.local/state/pgcockpit/audit.jsonl). */
  audit?: PlanAudit;
  /** The runbooks by kind; default: failover and switchover. */
  preparers?: Partial<Record<OperationKind, PreparePlan>>;
  /** The cockpit's job control: a step's command registers with it, so the DBA can stop it (requestJobCancel). */
  jobControl?: JobSignals;
  /** Where ssh reads its config and known hosts (tests: a scratch home); default the operator's. */
  sshEnvironment?: SshEnvironment;
  /** The live lists of each runbook's form (the target's databases), read when its form opens; default: the registry entries' formLists. */
  formLists?: Partial<Record<OperationKind, ReadFormLists>>;
}

export type ReadFormLists = (config: CockpitConfig, target: string) => Promise<LiveLists>;

/** The registry entries' live lists for their forms. */
export const DEFAULT_FORM_LISTS: Partial<Record<OperationKind, ReadFormLists>> = Object.fromEntries(
  RUNBOOKS.flatMap((entry) => ('formLists' in entry && entry.formLists ? [[entry.kind, entry.formLists.bind(entry)]] : [])),
);

/** Every runbook of the registry, prepared with what the DBA chose in the modal and what the cockpit remembers. */
export const DEFAULT_PREPARERS: Partial<Record<OperationKind, PreparePlan>> = Object.fromEntries(
  RUNBOOKS.map((entry) => [
    entry.kind,
    ((config, target, choices, memory) =>
      runbookEntry(entry.kind).prepare(config, target, { ...runbookEntry(entry.kind).fromChoices(choices ?? {}), ...formOptions(entry.kind, choices) }, {
        ...(memory?.lastSeenSlots ? { lastSeenSlots: memory.lastSeenSlots } : {}),
        ...(memory?.sessions ? { sessions: memory.sessions } : {}),
      })) satisfies PreparePlan,
  ]),
);

/** The planner's options for the values of the runbook's form, when it has one and they were submitted. */
function formOptions(kind: OperationKind, choices: PrepareChoices | undefined): object {
  const entry = runbookEntry(kind);
  return entry.fromForm && choices?.formValues ? entry.fromForm(choices.formValues) : {};
}

/**
 * The operations glue: when the store asks for an operation (the DBA pressed p
 * on a node), prepares its plan and puts a render copy into the store for the
 * modal; when the DBA confirms it (typed the node's name), runs the plan with
 * executePlan, its progress streaming into the log, over the cluster's node
 * runners (read-only ones under --read-only) and recorded in the audit
 * journal; then marks the nodes it left needing a rebuild and polls at once.
 * Returns the function that stops it, aborting a plan still running.
 */
export function bindOperationsToStore(
  store: CockpitStore,
  config: CockpitConfig,
  options: OperationsOptions = {},
): (() => Promise<void>) & { interruptRunning(signal: NodeJS.Signals): Promise<string | undefined> } {
  const preparers = options.preparers ?? DEFAULT_PREPARERS;
  let audit = options.audit;
  const journal = () => (audit ??= new AuditJournal());
  /** The prepared plans (with their steps' functions), by operation id: the store keeps only what the modal draws. */
  const plans = new Map<number, RunbookPlan>();
  const controller = new AbortController();
  /** A signal to the cockpit while a plan runs: the running step finishes, no later one starts (as the CLI does). */
  const interruption = new AbortController();
  /**
   * Each running plan's cancel, by operation id: the DBA's y to "cancel it?"
   * (requestOperationCancel) or SIGTERM during a cancellable step fires it;
   * executePlan stops the step and runs the undo of what was done.
   */
  const cancels = new Map<number, AbortController>();
  /** The plan step running now (not an undo): SIGTERM cancels it when it may be stopped half-way. */
  let runningStep: PlanStep | undefined;
  /** How the running plan ended, once it has: its advice when it stopped early, what was undone when cancelled. */
  let lastOutcome: { title: string; interrupted: boolean; cancelled?: string; advice?: string } | undefined;
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  /**
   * Each plan's sessions, by operation id: opened while the modal shows the
   * plan, handed to executePlan on confirmation (no connect after it), and
   * closed when it ends, is refused, cancelled or replaced.
   */
  const planSessions = new Map<number, PlanSessions>();
  const closeSessions = (id: number) => {
    const sessions = planSessions.get(id);
    planSessions.delete(id);
    if (sessions) track(sessions.close().catch(() => undefined));
  };

  /** A resume or promotion refused: a copy still up but out of recovery keeps Ctrl-T; one that does not answer, or is not the copy, loses every offer. */
  const staleCopy = (copy: RecoveredCopy, seen: CopyState | undefined) => {
    if (seen && !notTheCopy(copy, seen) && !seen.inRecovery) store.getState().copyRecoveryEnded();
    else if (!seen || notTheCopy(copy, seen)) store.getState().dropPausedCopy();
  };

  const prepare = async (id: number, kind: OperationKind, target: string, choices: PrepareChoices) => {
    const preparer = preparers[kind];
    const followUp = choices.copyFollowUp;
    const copyBack = choices.copyBack;
    try {
      if (!preparer && !followUp && !copyBack) throw new Error(`${kind} is not available in this pgcockpit yet`);
      const sessions = createSqlSessions(config, { readOnly: store.getState().readOnly });
      planSessions.set(id, sessions);
      const copyOptions = { readOnly: store.getState().readOnly, ...(options.sshEnvironment ? { sshEnvironment: options.sshEnvironment } : {}) };
      // A PITR copy resumed or promoted (Ctrl-R, Ctrl-P), or a table copied back from it (Ctrl-T): their own small plans, not the PITR's.
      // The copy-back's planner (with the PITR's production look) is loaded when asked, as the runbooks' are.
      const plan = followUp
        ? await prepareCopyFollowUp(config, followUp.copy, followUp.action, copyOptions)
        : copyBack
          ? await (await import('../services/runbooks/pitr/copyBackFollowUp.js')).prepareCopyBackFollowUp(config, copyBack.copy, { table: String(choices.formValues?.table ?? ''), database: String(choices.formValues?.database ?? copyBack.copy.database) }, copyOptions)
          : await preparer!(config, target, choices, { lastSeenSlots: store.getState().lastSeenSlots, sessions });
      if (store.getState().operation?.id !== id) return closeSessions(id);
      // Found not paused (resumed by hand), not answering or not the copy: the offer was stale.
      if (isCopyFollowUp(plan) && plan.copyGone) staleCopy(plan.copy, plan.seen);
      if (copyBack && 'copyGone' in plan && plan.copyGone) store.getState().dropPausedCopy();
      if (plan.blocked) closeSessions(id);
      plans.set(id, plan);
      if (plan.blocked) {
        // A refusal is recorded too, as the CLI does: who asked for what, and why it was refused.
        await journal().recordPlan(`${plan.title} (refused)`, planAuditSteps(plan), { node: plan.target }).catch(() => undefined);
      }
      // The modal shows password=********; the plan kept here runs the real statements.
      store.getState().setOperationPlan(id, maskSecretsDeep(operationPlanOf(plan)));
    } catch (error) {
      closeSessions(id);
      store.getState().operationFinished(id, { succeeded: false, error: messageOf(error) });
    }
  };

  const execute = async (id: number, plan: RunbookPlan) => {
    const state = store.getState();
    const runners = createNodeRunners(config, { readOnly: state.readOnly, ...(options.sshEnvironment ? { sshEnvironment: options.sshEnvironment } : {}) });
    const sessions = planSessions.get(id);
    /** A line for the log, masked, said in the same update as the operation's end. */
    const line = (text: string) => [{ at: Date.now(), text: maskSecrets(text), stream: 'info' as const }];
    const cancel = new AbortController();
    cancels.set(id, cancel);
    try {
      const outcome = await executePlan(plan, {
        config,
        readOnly: state.readOnly,
        onEvent: (event) => {
          if (event.type === 'step-started') runningStep = event.undoOf === undefined ? event.step : undefined;
          if (event.type === 'step-finished' || event.type === 'step-failed' || event.type === 'step-cancelled') runningStep = undefined;
          applyPlanEvent(store, id, event);
        },
        audit: journal(),
        runners,
        signal: controller.signal,
        interruption: interruption.signal,
        cancel: cancel.signal,
        ...(sessions ? { sessions } : {}),
        ...(options.jobControl ? { jobControl: options.jobControl } : {}),
      });
      const cancelled = outcome.cancelled ? cancelSummary(plan, outcome.cancelled, outcome.advice) : undefined;
      lastOutcome = { title: plan.title, interrupted: outcome.interrupted !== undefined, ...(cancelled ? { cancelled } : {}), ...(outcome.advice ? { advice: outcome.advice } : {}) };
      const { needsRebuild, rebuilt } = outcome.result;
      const said = outcome.succeeded && needsRebuild.length > 0 ? line(`⚠ needs rebuild: ${needsRebuild.join(', ')} (its data forked from the new timeline)`) : [];
      // A PITR that left its copy up: the copy is offered (paused: Ctrl-R, Ctrl-P, Ctrl-T; promoted: Ctrl-T); a copy's recovery ended: Ctrl-T only.
      const recovered = outcome.succeeded ? recoveredCopyOf(plan) : undefined;
      const followedUp = outcome.succeeded && isCopyFollowUp(plan) ? { ...plan.copy, paused: false } : undefined;
      if (recovered) said.push(...line(recovered.paused ? pausedCopyLine(recovered) : promotedCopyLine(recovered)));
      store.getState().operationFinished(id, {
        ...(recovered ? { pausedCopy: recovered } : followedUp ? { pausedCopy: followedUp } : {}),
        succeeded: outcome.succeeded,
        ...(outcome.failedStep ? { error: `step ${outcome.failedStep.number} (${outcome.failedStep.description}) on ${outcome.failedStep.node}: ${outcome.failedStep.error}` } : {}),
        ...(cancelled ? { error: cancelled } : {}),
        needsRebuild,
        rebuilt,
      }, said);
    } catch (error) {
      // Refused before its first step (blocked, or read-only): nothing was changed.
      store.getState().operationFinished(id, { succeeded: false, error: messageOf(error) }, line(`✗ ${plan.title}: ${messageOf(error)}`));
    } finally {
      cancels.delete(id);
      runningStep = undefined;
      plans.delete(id);
      closeSessions(id);
      await runners.close().catch(() => undefined);
      store.getState().requestRefresh();
    }
  };

  const unsubscribe = store.subscribe((state, previous) => {
    const operation = state.operation;
    if (operation === previous.operation) return;
    // Cancelled or replaced: its plan is not needed any more.
    if (previous.operation && previous.operation.id !== operation?.id && previous.operation.phase !== 'running') {
      plans.delete(previous.operation.id);
      closeSessions(previous.operation.id);
    }
    if (!operation) return;
    // The DBA answered y to "cancel it?": executePlan stops the step if it may be stopped half-way, else refuses and stops after it.
    if (operation.phase === 'running' && operation.cancelRequested && !(previous.operation?.id === operation.id && previous.operation.cancelRequested)) {
      cancels.get(operation.id)?.abort(new Error('cancelled by the operator'));
    }
    // A form with a choice from a live list (the node's databases): read it now, changing nothing.
    if (operation.phase === 'form' && operation.form?.liveReading && previous.operation?.id !== operation.id) {
      const read = (options.formLists ?? DEFAULT_FORM_LISTS)[operation.kind];
      const id = operation.id;
      if (read) {
        track(
          read(config, operation.target).then(
            (lists) => store.getState().setFormLists(id, { lists }),
            (error: unknown) => store.getState().setFormLists(id, { problem: messageOf(error) }),
          ),
        );
      } else store.getState().setFormLists(id, { problem: `${operation.kind} has no live lists to read` });
    }
    // Planned when asked for, or when its form was submitted (same id, from phase form).
    if (operation.phase === 'planning' && (previous.operation?.id !== operation.id || previous.operation.phase === 'form')) {
      // Planned with what the DBA chose in the modal (Ctrl-F: fence, Ctrl-R: resume replay); none from the grid.
      // A runbook with a form is planned with its submitted values.
      track(prepare(operation.id, operation.kind, operation.target, { ...operation.choices, ...(operation.form ? { formValues: operation.form.values } : {}) }));
    } else if (operation.phase === 'running' && previous.operation?.phase !== 'running') {
      const plan = plans.get(operation.id);
      if (plan) track(execute(operation.id, plan));
      else state.operationFinished(operation.id, { succeeded: false, error: 'the plan was lost before it ran; nothing was changed' });
    }
  });

  const stop = async () => {
    unsubscribe();
    controller.abort();
    for (const id of [...planSessions.keys()]) closeSessions(id);
    await Promise.allSettled([...pending]);
  };
  /**
   * SIGTERM or SIGHUP (the DBA's ssh session dropped) while a plan runs: the
   * running step finishes, no later one starts, and the plan ends as
   * interrupted (journal included). Resolves with what to tell the DBA on
   * the restored terminal: where it stopped and the command that completes
   * or reverses it; undefined when no plan was running.
   */
  const interruptRunning = async (signal: NodeJS.Signals): Promise<string | undefined> => {
    const running = store.getState().operation;
    if (running?.phase !== 'running') return undefined;
    // SIGTERM during a step that may be stopped half-way cancels it (its undo runs), as in the CLI; SIGHUP lets it finish.
    if (signal === 'SIGTERM' && runningStep?.cancellable) cancels.get(running.id)?.abort(signal);
    else interruption.abort(signal);
    await Promise.allSettled([...pending]);
    if (!lastOutcome) return undefined;
    if (lastOutcome.cancelled) return `${lastOutcome.title}: ${lastOutcome.cancelled}`;
    return lastOutcome.interrupted
      ? `${lastOutcome.title}: interrupted by ${signal} after the running step finished. State left: ${lastOutcome.advice ?? 'see pgcockpit log'}`
      : `${lastOutcome.title}: its last step ended as the signal came; see pgcockpit log`;
  };
  return Object.assign(stop, { interruptRunning });
}

/**
 * One plan event into the store, in one set(): a step's start moves the
 * operation's step counter (with its lines), a command's job record and its
 * coalesced output go to the jobs and log slices, and every other event's
 * lines to the log.
 */
export function applyPlanEvent(store: CockpitStore, id: number, event: PlanEvent): void {
  const state = store.getState();
  const at = Date.now();
  const lines = () => planEventLines(event).map((text) => ({ at, text, stream: 'info' as const }));
  switch (event.type) {
    case 'step-started':
      // An undo step (after a cancel) leaves the counter at the step that was cancelled.
      if (event.undoOf !== undefined) break;
      state.setOperationStep(id, { number: event.number, total: event.total }, lines());
      return;
    case 'job-started':
      state.startJob(event.job);
      return;
    case 'job-output':
      state.appendLogLines(event.lines.map((line) => ({ ...line, text: jobLineText(event, line) })));
      return;
    case 'job-progress':
      state.setJobProgress(event.jobId, event.fraction, event.amount);
      return;
    case 'job-finished':
      state.finishJob(event.jobId, event.outcome);
      return;
    default:
      break;
  }
  const shown = lines();
  if (shown.length > 0) state.appendLogLines(shown);
}

/** "cancelled at step 2/3 (copy the data) by SIGTERM; undone: step 2 (...), step 1 (...); state left: ...; to retry: ...", masked. */
function cancelSummary(plan: Plan, cancelled: NonNullable<PlanOutcome['cancelled']>, advice: string | undefined): string {
  const where =
    cancelled.stoppedStep !== undefined
      ? `at step ${cancelled.stoppedStep}/${plan.steps.length} (${plan.steps[cancelled.stoppedStep - 1]?.description})`
      : `after step ${cancelled.afterStep}/${plan.steps.length}`;
  return maskSecrets(
    `cancelled ${where}${cancelled.signal ? ` by ${cancelled.signal}` : ''}; undone: ${cancelled.undone.length > 0 ? cancelled.undone.join(', ') : 'nothing'}` +
      `${cancelled.undoFailed ? `; undo failed: ${cancelled.undoFailed}` : ''}; state left: ${advice ?? 'see the log'}; ${cancelled.next}`,
  );
}

/** The log's line when a PITR ended paused: what the copy is and the keys that end its recovery or copy a table back. */
export function pausedCopyLine(copy: RecoveredCopy): string {
  return `⏸ the copy of ${copy.backupId} in ${copy.dest} (port ${copy.port}) is paused at the target, read-only: Ctrl-R resumes it, Ctrl-P promotes it (either ends recovery: a writable copy on a new timeline), Ctrl-T copies a table back into production; each shows its plan first`;
}

/** The log's line when a PITR ended promoted: the copy stays offered for a copy-back. */
export function promotedCopyLine(copy: RecoveredCopy): string {
  return `▶ the copy of ${copy.backupId} in ${copy.dest} (port ${copy.port}) is promoted, writable: Ctrl-T copies a table back into production (plan first)`;
}

function messageOf(error: unknown): string {
  return maskSecrets(error instanceof Error ? error.message : String(error));
}

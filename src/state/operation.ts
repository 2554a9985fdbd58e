import { stepStopNote } from '../services/runbooks/stepStopNote.js';
import type { RunbookKind } from '../services/runbooks/registry.js';
import { runbookEntry } from '../services/runbooks/registry.js';
import type { CheckStatus, Plan } from '../services/runbooks/plan.js';
import type { FormCli, FormSpec, FormValue, FormValues, LiveLists } from '../services/runbooks/form.js';
import type { CopyFollowUpAction } from '../services/runbooks/pitr/copyFollowUp.js';
import type { RecoveredCopy } from '../services/runbooks/pitr/recoveredCopy.js';

/** The runbooks the cockpit can start on a node from its keys. */
export type OperationKind = RunbookKind;

/** form: the runbook's parameter form is filled in first (only runbooks whose entry has one). */
export type OperationPhase = 'form' | 'planning' | 'confirm' | 'running' | 'done' | 'failed';

/** A plan as the modal draws it: what was checked and what would run, without the steps' functions. */
export interface OperationPlan {
  title: string;
  target: string;
  checks: Array<{ label: string; status: CheckStatus; observed: string; fix?: string }>;
  /** cancellable: may be stopped half-way (Esc then y cancels it and runs the undo of what was done). */
  /** stopNote: that it may be stopped half-way and what undoes it (stepStopNote). */
  steps: Array<{ node: string; description: string; detail: string; cancellable?: boolean; stopNote?: string }>;
  blocked: boolean;
  blockedReasons: string[];
  warnings: string[];
  confirmWord: string;
  /** Refused by the split-brain guard: another primary is up and writable, so a switchover is the way. */
  offersSwitchover: boolean;
  /**
   * Nodes (the old primary) whose server still runs on its host but does not
   * answer here: the plan offers to stop them first (Ctrl-F plans it again
   * with the fence). Absent or empty: no offer (or the plan fences already).
   */
  fenceOffer?: string[];
  /**
   * Refused only because WAL replay is paused on the target (and resuming it
   * was not chosen): Ctrl-R plans it again with the resume step first.
   */
  resumeReplayOffer: boolean;
}

/** What the DBA accepted in the modal before the plan was made again. */
export interface OperationChoices {
  /** Ctrl-F: stop a still-running old primary first (failover --fence). */
  fence?: boolean;
  /** Ctrl-R: resume a paused WAL replay on the target first (failover --resume-replay). */
  resumeReplay?: boolean;
  /** The values of the runbook's parameter form, as the DBA submitted them (the entry's fromForm turns them into options). */
  formValues?: FormValues;
  /** Ctrl-R / Ctrl-P after a PITR ended paused: not the PITR again but the copy resumed or promoted (the glue plans copyFollowUp). */
  copyFollowUp?: { action: CopyFollowUpAction; copy: RecoveredCopy };
  /** Ctrl-T on a recovered copy (paused or promoted): a table copied back into production, its form's values the table and database (the glue plans copyBackFollowUp). */
  copyBack?: { copy: RecoveredCopy };
}

/** A runbook's parameter form being filled in (phase form), kept once submitted so the plan shows its values and CLI line. */
export interface OperationForm {
  spec: FormSpec;
  cli: FormCli;
  /** The cluster's node names, for 'nodes' choices. */
  nodeNames: readonly string[];
  /** The live lists read from the target for its live choices (the node's databases), once read. */
  live?: LiveLists;
  /** A live choice's list is being read (the form opened); Enter waits for it. */
  liveReading?: boolean;
  /** Why the live lists could not be read; the planner then checks the value. */
  liveProblem?: string;
  values: Readonly<Record<string, FormValue>>;
  /** The index of the field that takes keys. */
  focus: number;
  /** Why a field was refused at the last Enter, by name; shown under it. */
  errors: Readonly<Record<string, string>>;
}

/** A runbook the DBA asked for on a node, from planning to its end. */
export interface Operation {
  /** Tells one request from the next: a plan that arrives after a cancel is dropped. */
  id: number;
  kind: OperationKind;
  target: string;
  /** What the DBA chose in the modal (fence, resume replay); the plan is made with them. Empty when asked from the grid. */
  choices: OperationChoices;
  phase: OperationPhase;
  /** The runbook's parameter form, when its entry has one. */
  form?: OperationForm;
  plan?: OperationPlan;
  /** What the DBA typed into the confirmation so far. */
  typed: string;
  error?: string;
  /** When it was confirmed (set: its steps started). */
  startedAt?: number;
  endedAt?: number;
  /** The step running now, as executePlan announces it ("step 2/5"). */
  step?: { number: number; total: number };
  /** The DBA asked to cancel it (Esc or Ctrl-C, then y): the glue cancels the running step and runs the undo. */
  cancelRequested?: boolean;
}

/** How an operation ended, as the glue reports it. */
export interface OperationOutcome {
  succeeded: boolean;
  error?: string;
  /** Nodes that must be rebuilt before they can replicate again (the old primary after a failover). */
  needsRebuild?: readonly string[];
  /** Nodes that replicate again (a rebuild's target): their "needs rebuild" mark goes. */
  rebuilt?: readonly string[];
  /** A PITR copy left up (paused: resume, promote and copy-back offered; promoted, paused false: copy-back only); null: the offer goes; absent: as it was. */
  pausedCopy?: RecoveredCopy | null;
}

/** The render-friendly copy of a runbook's plan the store keeps. */
export function operationPlanOf(plan: Plan): OperationPlan {
  return {
    title: plan.title,
    target: plan.target,
    checks: plan.checks.map(({ label, status, observed, fix }) => ({ label, status, observed, ...(fix !== undefined ? { fix } : {}) })),
    steps: plan.steps.map((step) => {
      const stopNote = stepStopNote(step);
      return { node: step.node, description: step.description, detail: step.detail, ...(step.cancellable ? { cancellable: true } : {}), ...(stopNote ? { stopNote } : {}) };
    }),
    blocked: plan.blocked,
    blockedReasons: [...plan.blockedReasons],
    warnings: [...plan.warnings],
    confirmWord: plan.confirmWord,
    offersSwitchover: plan.offersSwitchover === true,
    ...(plan.fenceOffer && plan.fenceOffer.length > 0 ? { fenceOffer: [...plan.fenceOffer] } : {}),
    resumeReplayOffer: plan.resumeReplayOffer === true,
  };
}

/**
 * What the operation modal takes keys for: typing the confirmation, a refusal
 * that offers a switchover, or only closing (planning, refused, planning
 * failed). Undefined when no modal is open: nothing asked, or the steps run
 * or ran (the modal closes into the log once confirmed).
 */
export function operationModalMode(operation: Operation | null): 'form' | 'typing' | 'offer' | 'info' | undefined {
  if (!operation) return undefined;
  if (operation.phase === 'form') return 'form';
  if (operation.phase === 'confirm') {
    // A plan with nothing to run (the archive already set up) only closes: no name is typed for nothing.
    if (!operation.plan?.blocked) return operation.plan && operation.plan.steps.length === 0 && !operation.plan.fenceOffer?.length ? 'info' : 'typing';
    return operation.plan.offersSwitchover && operation.kind === 'failover' ? 'offer' : 'info';
  }
  if (operation.phase === 'planning') return 'info';
  if (operation.phase === 'failed' && operation.startedAt === undefined) return 'info';
  return undefined;
}

/**
 * The nodes a failover plan being confirmed offers to fence first (stop
 * their server through their host's runner); empty: no offer. Ctrl-F (the
 * modal's fence binding) plans the same failover again with the fence chosen.
 */
export function fenceOfferOf(operation: Operation | null): string[] {
  // A refused plan keeps the offer when fencing is what it needs (the old primary is alive on its host).
  if (!operation || operation.kind !== 'failover' || operation.phase !== 'confirm' || !operation.plan || operation.choices.fence) return [];
  return operation.plan.fenceOffer ?? [];
}

export function operationOffersFence(operation: Operation | null): boolean {
  return fenceOfferOf(operation).length > 0;
}

/**
 * A refused failover that offers to resume the target's paused WAL replay
 * first: Ctrl-R (the modal's resume binding) plans it again with resumeReplay chosen.
 */
export function operationOffersResumeReplay(operation: Operation | null): boolean {
  return Boolean(operation && operation.kind === 'failover' && operation.phase === 'confirm' && operation.plan?.blocked && operation.plan.resumeReplayOffer && !operation.choices.resumeReplay);
}

/** The operation whose steps run now, if any. */
export function runningOperation(state: { operation: Operation | null }): Operation | undefined {
  return state.operation?.phase === 'running' ? state.operation : undefined;
}

/** The PITR copy still up (paused or promoted) the cockpit offers to copy a table back from (Ctrl-T), unless an operation is shown or runs. */
export function recoveredCopyOffer(state: { operation: Operation | null; pausedCopy?: RecoveredCopy | null }): RecoveredCopy | undefined {
  if (!state.pausedCopy) return undefined;
  if (operationModalMode(state.operation) !== undefined || runningOperation(state)) return undefined;
  return state.pausedCopy;
}

/** The paused PITR copy the cockpit offers to resume or promote (Ctrl-R, Ctrl-P): the recovered copy while it is paused. */
export function pausedCopyOffer(state: { operation: Operation | null; pausedCopy?: RecoveredCopy | null }): RecoveredCopy | undefined {
  const copy = recoveredCopyOffer(state);
  return copy?.paused === false ? undefined : copy;
}

/** The verb of the confirmation line for this operation: a copy's resume or promotion says so, else its runbook's verb. */
export function operationVerbOf(operation: Pick<Operation, 'kind' | 'choices'>): string {
  const followUp = operation.choices.copyFollowUp;
  if (followUp) return followUp.action === 'promote' ? 'promote the copy on that port' : 'resume the copy on that port (recovery ends)';
  if (operation.choices.copyBack) return 'restore it into the production primary';
  return operationVerb(operation.kind);
}

/** The verb of the confirmation line: "type pg2 to promote it". */
export function operationVerb(kind: OperationKind): string {
  return runbookEntry(kind).confirmVerb;
}

import type { AuditEntryInput, AuditStep, CommandRecord, OutcomeEntry, StatementEntry, StepEntry } from '../audit/auditEntry.js';
import type { CockpitConfig } from '../config/schema.js';
import path from 'node:path';
import type { JobSignals } from '../runner/jobControl.js';
import { describeResult } from '../runner/jobOutcome.js';
import type { JobSink } from '../runner/runJob.js';
import { runJob } from '../runner/runJob.js';
import { ReadOnlyError } from '../runner/runner.js';
import { maskSecrets } from '../runner/secretMasker.js';
import type { Plan, PlanResult, PlanStep, RunnerSource, StepContext, UndoReason } from './plan.js';
import type { PlanEventListener, StepPosition } from './planEvents.js';
import { planEventLines, stepPrefix } from './planEvents.js';
import { failedChecks } from './plan.js';
import type { PlanJournal } from './planJournal.js';
import { planJournal } from './planJournal.js';
import { remainingSteps, stoppedAdvice } from './stoppedAdvice.js';
import type { SqlSessions } from './sqlSessions.js';
import { createSqlSessions } from './sqlSessions.js';

/**
 * What executePlan needs of the audit journal (AuditJournal satisfies it).
 * Only recordPlan is required; a journal that has the others also gets each
 * step's start and end, the statements that change something, the commands
 * run, and the outcome.
 */
export interface PlanAudit {
  recordPlan(title: string, steps: readonly AuditStep[], details?: { node?: string }): Promise<void>;
  recordStep?(step: AuditEntryInput<StepEntry>): Promise<void>;
  recordStatement?(statement: AuditEntryInput<StatementEntry>): Promise<void>;
  recordCommand?(record: CommandRecord): Promise<void>;
  recordOutcome?(outcome: AuditEntryInput<OutcomeEntry>): Promise<void>;
}

/** A step starting or ending, for a caller that must know which one runs (the CLI's "finishing step 2/10" on a second Ctrl-C). */
export interface StepEvent {
  number: number;
  total: number;
  step: PlanStep;
  phase: 'started' | 'ended';
  /** An undo step (after a cancel): number/total count the undo steps; this is the plan step it reverses. */
  undoOf?: number;
}

export interface ExecutePlanOptions {
  config: CockpitConfig;
  /** pgcockpit --read-only: a plan with any mutating step is refused before its first step. */
  readOnly: boolean;
  /**
   * What happens, as typed events (plan-started, step-started, job-output,
   * step-finished, outcome, ...): the store and the CLI printer map them.
   */
  onEvent?: PlanEventListener;
  /** The same events as the lines they print (planEventLines), masked: for a caller that only shows text. */
  log?: (text: string) => void;
  audit?: PlanAudit;
  /** For steps that run programs on a node's host (restart on PostgreSQL 12). */
  runners?: RunnerSource;
  /** Aborts the running step's commands too (the cockpit closing). */
  signal?: AbortSignal;
  /** Job control: lets the DBA stop a step's running command from the cockpit (requestJobCancel). */
  jobControl?: JobSignals;
  /**
   * A stop asked for between steps (SIGINT, SIGTERM; its reason names the
   * signal): the running step finishes, the next one does not start, and
   * the plan ends as interrupted, saying the state left and what completes
   * or reverses it. Interrupting a step halfway (a pg_ctl stop, a promotion)
   * would leave a state nobody can describe.
   */
  interruption?: AbortSignal;
  /**
   * A cancel (the cockpit's Esc then y, the CLI's SIGINT/SIGTERM; its reason
   * names the signal, if any). During a cancellable step: the step's running
   * commands are killed (process tree, remote process group), then the undo
   * steps of the steps done (the stopped one included) run, last done first,
   * as steps (events, journal), and the plan ends as cancelled with the state
   * left and the one command that retries or continues. During a step that
   * must not be stopped half-way: refused (said), and it acts as
   * `interruption`. Between steps: the undo runs for the steps done.
   */
  cancel?: AbortSignal;
  onStep?: (event: StepEvent) => void;
  /** Sessions to use instead of fresh ones (tests); closed by the caller then. */
  sessions?: SqlSessions;
}

export interface PlanOutcome {
  succeeded: boolean;
  /** Steps that finished. */
  completedSteps: number;
  failedStep?: { number: number; node: string; description: string; error: string };
  /** Stopped between steps by `interruption`: after step afterStep (0: before the first). */
  interrupted?: { afterStep: number; signal?: string };
  /**
   * Cancelled (`cancel`): the step stopped half-way (absent: the cancel came
   * between steps), the plan steps whose undo ran ("step 2 (copy the data)",
   * last done first), the undo that failed if one did, and the one command
   * that retries or continues; nothingLeftChanged: every step done that
   * changes something was undone (the cluster is as before the plan).
   */
  cancelled?: { stoppedStep?: number; afterStep: number; signal?: string; undone: string[]; undoFailed?: string; next: string; nothingLeftChanged: boolean };
  /** A failed plan that undoes on failure (Plan.undoOnFailure): the plan steps whose undo ran, the undo that failed if one did, what to do next. */
  undone?: { list: string[]; undoFailed?: string; next: string; nothingLeftChanged: boolean };
  /** Stopped early (failed, interrupted or cancelled): the state left and the command that completes or reverses it; masked. */
  advice?: string;
  elapsedMs: number;
  /** Each finished step's result text, in order. */
  results: string[];
  /** What the steps reported they changed (nodes needing a rebuild, ...), also when the plan stopped early. */
  result: PlanResult;
}

/** Thrown before anything runs: the plan is blocked by a failed check. */
export class PlanBlockedError extends Error {
  constructor(readonly plan: Plan) {
    super(`${plan.title} refused, nothing was changed: ${failedChecks(plan.checks).join('; ')}`);
    this.name = 'PlanBlockedError';
  }
}

/** The plan as the journal keeps it: checks with what was seen, then steps with their exact SQL or command. */
export function planAuditSteps(plan: Plan): AuditStep[] {
  return [
    ...plan.checks.map((check) => ({ check: check.label, status: check.status, observed: check.observed })),
    ...plan.steps.map((step, index) => ({ step: index + 1, node: step.node, description: step.description, detail: step.detail })),
  ];
}

/**
 * Runs a plan's steps in order, each announced as `step N/M` with its exact
 * SQL or command, ending with its elapsed time; stops at the first failure,
 * naming the step, or between steps when `interruption` fires. Refuses
 * (throws, nothing run) a blocked plan, and in read-only mode a plan with a
 * mutating step. The plan is recorded in the audit journal before the first
 * step, then each step's start and end, and how it all ended. Every line it
 * logs or records has its passwords masked; the statements run keep them.
 *
 * What happens reaches the caller as typed events (planEvents.ts) through
 * `onEvent`; a step's programs run as jobs (runJob), whose records, output
 * and progress are events too, so the cockpit's store and the CLI printer
 * map the same events and nobody reads the log text back.
 */
export async function executePlan(plan: Plan, options: ExecutePlanOptions): Promise<PlanOutcome> {
  if (plan.blocked) throw new PlanBlockedError(plan);
  const firstMutating = plan.steps.find((step) => step.mutating);
  if (options.readOnly && firstMutating) {
    throw new ReadOnlyError({ program: `${plan.title} (step "${firstMutating.description}")`, args: [], mutating: true }, firstMutating.node);
  }
  await options.audit?.recordPlan(plan.title, planAuditSteps(plan), { node: plan.target });

  const emit: PlanEventListener = (event) => {
    options.onEvent?.(event);
    if (options.log) for (const line of planEventLines(event)) options.log(line);
  };
  const journal = planJournal(options.audit, (text) => emit({ type: 'notice', text: maskSecrets(text) }));
  const sessions = options.sessions ?? createSqlSessions(options.config, { readOnly: options.readOnly });
  const startedAt = Date.now();
  const total = plan.steps.length;
  const results: string[] = [];
  const result: PlanResult = { needsRebuild: [], rebuilt: [] };
  const ended = async (outcome: Omit<PlanOutcome, 'result' | 'elapsedMs'>, entry: Omit<AuditEntryInput<OutcomeEntry>, 'plan' | 'total' | 'elapsedMs' | 'completedSteps'>) => {
    const elapsedMs = Date.now() - startedAt;
    if (outcome.succeeded) emit({ type: 'outcome', title: plan.title, total, succeeded: true, result, elapsedMs });
    await journal.outcome({ plan: plan.title, node: plan.target, total, completedSteps: outcome.completedSteps, elapsedMs, ...entry });
    if (!outcome.succeeded) emit({ type: 'outcome', title: plan.title, total, succeeded: false, result, elapsedMs });
    return { ...outcome, elapsedMs, result };
  };
  emit({ type: 'plan-started', title: plan.title, total });

  // A cancel during a step that may be stopped aborts that step's signal; during one that may not, it is refused once.
  let running: { step: PlanStep; position: StepPosition; abort: AbortController } | undefined;
  let cancel = 'none' as 'none' | 'cancelling' | 'refused';
  const onCancel = () => {
    if (cancel !== 'none') return;
    if (running && !running.step.cancellable) {
      cancel = 'refused';
      emit({ type: 'cancel-refused', ...running.position, step: running.step });
      return;
    }
    cancel = 'cancelling';
    running?.abort.abort(options.cancel?.reason ?? new Error('cancelled'));
  };
  options.cancel?.addEventListener('abort', onCancel, { once: true });
  // Read through a call: onCancel changes it while a step awaits, which the compiler's narrowing does not see.
  const cancelNow = () => cancel;

  /** Runs one step (of the plan, or an undo) as a step: announced, journalled, its commands as jobs under `signal`. */
  const runStep = async (step: PlanStep, position: StepPosition, abort: AbortController): Promise<{ ok: true } | { ok: false; error: string; stepMs: number }> => {
    const stepStartedAt = Date.now();
    const times = () => ({ stepMs: Date.now() - stepStartedAt, planMs: Date.now() - startedAt });
    const about = { plan: plan.title, step: position.number, total: position.total, node: step.node, description: step.description, ...(position.undoOf !== undefined ? { undoOf: position.undoOf } : {}) };
    const stepEvent = { number: position.number, total: position.total, step, ...(position.undoOf !== undefined ? { undoOf: position.undoOf } : {}) };
    // Told first: a Ctrl-C that comes as soon as "step N/M" shows must know that step N runs.
    options.onStep?.({ ...stepEvent, phase: 'started' });
    emit({ type: 'step-started', ...position, step });
    try {
      await journal.step({ ...about, phase: 'started', detail: step.detail });
      if (abort.signal.aborted) throw new Error('cancelled before it started');
      const stepResult = await step.run(stepContext({ plan, position, sessions, emit, journal, result, cancellable: step.cancellable === true }, options, abort.signal));
      if (position.undoOf === undefined && stepResult) results.push(stepResult);
      emit({ type: 'step-finished', ...position, step, ...(stepResult ? { result: maskSecrets(stepResult) } : {}), ...times() });
      await journal.step({ ...about, phase: 'succeeded', ...(stepResult ? { result: stepResult } : {}), durationMs: Date.now() - stepStartedAt });
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error), stepMs: times().stepMs };
    } finally {
      options.onStep?.({ ...stepEvent, phase: 'ended' });
    }
  };

  /**
   * The cancel's end: the undo steps of the steps done (the one stopped
   * half-way first), last done first, each run as a step (not cancellable:
   * the cancel already fired), stopping at the first that fails.
   */
  /**
   * The undo steps of the steps done (plus `partial`, a step stopped or failed
   * half-way, first), last done first, each run as a step (not cancellable:
   * the cancel already fired), stopping at the first that fails; `announce`
   * says how many there are before they run.
   */
  const runUndos = async (why: UndoReason, afterStep: number, partial: { number: number; step: PlanStep } | undefined, announce: (undoTotal: number) => Promise<void>) => {
    const done = plan.steps.slice(0, afterStep).map((step, index) => ({ number: index + 1, step }));
    if (partial) done.push({ number: partial.number, step: partial.step });
    const undos: Array<{ of: { number: number; step: PlanStep }; steps: readonly PlanStep[] }> = [];
    let undoFailed: string | undefined;
    for (const item of [...done].reverse()) {
      if (!item.step.undo) continue;
      try {
        undos.push({ of: item, steps: typeof item.step.undo === 'function' ? item.step.undo(why) : item.step.undo });
      } catch (error) {
        undoFailed = `the undo of step ${item.number} could not be planned: ${error instanceof Error ? error.message : String(error)}`;
        break;
      }
    }
    const undoTotal = undos.reduce((sum, undo) => sum + undo.steps.length, 0);
    await announce(undoTotal);
    const undone: string[] = [];
    const left: string[] = [];
    let number = 0;
    for (const undo of undos) {
      const name = `step ${undo.of.number} (${undo.of.step.description})`;
      if (undoFailed) {
        left.push(...undo.steps.map((step) => `${step.description} on ${step.node}: ${step.detail.replace(/\n/g, '; ')}`));
        continue;
      }
      for (const [index, step] of undo.steps.entries()) {
        number++;
        const position: StepPosition = { number, total: undoTotal, undoOf: undo.of.number };
        // Only the cockpit closing stops an undo: a second Ctrl-C must not leave it half done.
        const abort = new AbortController();
        const follow = () => abort.abort(options.signal?.reason);
        options.signal?.addEventListener('abort', follow, { once: true });
        const ran = await runStep(step, position, abort).finally(() => options.signal?.removeEventListener('abort', follow));
        if (!ran.ok) {
          emit({ type: 'step-failed', ...position, step, error: maskSecrets(ran.error), stepMs: ran.stepMs, planMs: Date.now() - startedAt });
          await journal.step({ plan: plan.title, step: number, total: undoTotal, undoOf: undo.of.number, node: step.node, description: step.description, phase: 'failed', error: ran.error, durationMs: ran.stepMs });
          undoFailed = `undo ${number}/${undoTotal} (${step.description}) on ${step.node}: ${ran.error}`;
          left.push(...undo.steps.slice(index).map((rest) => `${rest.description} on ${rest.node}: ${rest.detail.replace(/\n/g, '; ')}`));
          break;
        }
      }
      if (!undoFailed) undone.push(name);
    }
    const undoneNumbers = new Set(undos.slice(0, undone.length).map((undo) => undo.of.number));
    const kept = done.filter((item) => item.step.mutating && !undoneNumbers.has(item.number));
    const advice = maskSecrets(
      undoFailed
        ? `the undo stopped: ${undoFailed}; still to undo by hand, in this order: ${left.join(' | ')}`
        : kept.length === 0
          ? done.length === 0
            ? 'nothing was changed'
            : `nothing is left changed: ${undone.length > 0 ? `what ${undone.join(', ')} did was undone` : 'the steps done change nothing'}`
          : `${kept.map((item) => `step ${item.number} (${item.step.description})`).join(', ')} stay${kept.length === 1 ? 's' : ''} done (no undo): ${stoppedAdvice(plan, kept.at(-1)!.number)}`,
    );
    return { undone, undoFailed, kept, advice };
  };

  /** The cancel's end: the undo of what was done (the step stopped half-way first), then what is left and the command that retries. */
  const undoAndEnd = async (afterStep: number, stopped?: { number: number; step: PlanStep; stepMs: number }) => {
    const signal = signalName(options.cancel?.reason);
    const { undone, undoFailed, kept, advice } = await runUndos('cancel', afterStep, stopped, async (undoTotal) => {
      if (stopped) {
        emit({ type: 'step-cancelled', number: stopped.number, total, step: stopped.step, ...(signal ? { signal } : {}), stepMs: stopped.stepMs, planMs: Date.now() - startedAt, undoCount: undoTotal });
        await journal.step({ plan: plan.title, step: stopped.number, total, node: stopped.step.node, description: stopped.step.description, phase: 'cancelled', durationMs: stopped.stepMs });
      } else if (undoTotal === 0) {
        emit({ type: 'notice', text: '↺ nothing to undo: no step done has an undo' });
      } else {
        emit({ type: 'notice', text: `↺ undoing what was done: ${undoTotal} undo step${undoTotal === 1 ? '' : 's'}, last done first` });
      }
    });
    const next = maskSecrets(
      undoFailed ? `run the undo left by hand (above), then plan it again` : plan.retryCommand ? `to retry: ${plan.retryCommand}` : `to retry: plan the ${plan.title} again`,
    );
    const maskedFailure = undoFailed ? maskSecrets(undoFailed) : undefined;
    emit({
      type: 'plan-cancelled',
      title: plan.title,
      total,
      afterStep,
      ...(stopped ? { stoppedStep: stopped.number } : {}),
      ...(signal ? { signal } : {}),
      undone,
      ...(maskedFailure ? { undoFailed: maskedFailure } : {}),
      advice,
      next,
    });
    return ended(
      {
        succeeded: false,
        completedSteps: afterStep,
        cancelled: {
          ...(stopped ? { stoppedStep: stopped.number } : {}),
          afterStep,
          ...(signal ? { signal } : {}),
          undone,
          ...(maskedFailure ? { undoFailed: maskedFailure } : {}),
          next,
          nothingLeftChanged: !undoFailed && kept.length === 0,
        },
        advice,
        results,
      },
      { outcome: 'cancelled', step: stopped?.number ?? afterStep, advice: `${advice}; ${next}`, undone, ...(undoFailed ? { error: undoFailed } : {}), ...(signal ? { signal } : {}) },
    );
  };

  /** A failed step of a plan that undoes on failure (a rebuild): the undo of what was done (the failed step's first), then what is left. */
  const undoFailureAndEnd = async (afterStep: number, failed: { number: number; step: PlanStep }, error: string) => {
    const { undone, undoFailed, kept, advice } = await runUndos('failure', afterStep, failed, async (undoTotal) => {
      emit({ type: 'notice', text: undoTotal > 0 ? `↺ undoing what was done: ${undoTotal} undo step${undoTotal === 1 ? '' : 's'}, last done first` : '↺ nothing to undo: no step done has an undo' });
    });
    const next = maskSecrets(undoFailed ? 'run the undo left by hand (above), then plan it again' : plan.retryCommand ? `fix the cause above, then retry: ${plan.retryCommand}` : `fix the cause above, then plan the ${plan.title} again`);
    const maskedFailure = undoFailed ? maskSecrets(undoFailed) : undefined;
    emit({ type: 'plan-undone', title: plan.title, total, failedStep: failed.number, undone, ...(maskedFailure ? { undoFailed: maskedFailure } : {}), advice, next });
    return ended(
      {
        succeeded: false,
        completedSteps: afterStep,
        failedStep: { number: failed.number, node: failed.step.node, description: failed.step.description, error: maskSecrets(error) },
        undone: { list: undone, ...(maskedFailure ? { undoFailed: maskedFailure } : {}), next, nothingLeftChanged: !undoFailed && kept.length === 0 },
        advice,
        results,
      },
      { outcome: 'failed', step: failed.number, error, advice: `${advice}; ${next}`, undone, ...(undoFailed ? { undoError: undoFailed } : {}) },
    );
  };

  try {
    for (const [index, step] of plan.steps.entries()) {
      const number = index + 1;
      if (cancel === 'cancelling' || (cancel === 'none' && options.cancel?.aborted)) return await undoAndEnd(index);
      const interruptedBy = cancel === 'refused' ? options.cancel : options.interruption?.aborted ? options.interruption : undefined;
      if (interruptedBy) {
        const signal = signalName(interruptedBy.reason);
        const advice = stoppedAdvice(plan, index);
        const lastStep = plan.steps[index - 1];
        emit({ type: 'step-interrupted', afterStep: index, total, ...(lastStep ? { lastStep } : {}), ...(signal ? { signal } : {}), advice, remaining: index > 0 ? remainingSteps(plan, index) : [] });
        return await ended(
          { succeeded: false, completedSteps: index, interrupted: { afterStep: index, ...(signal ? { signal } : {}) }, advice, results },
          { outcome: 'interrupted', step: index, advice, ...(signal ? { signal } : {}) },
        );
      }
      const position = { number, total };
      // The step's own signal: the cockpit closing, and for a cancellable step the cancel (onCancel).
      const abort = new AbortController();
      const follow = () => abort.abort(options.signal?.reason);
      options.signal?.addEventListener('abort', follow, { once: true });
      if (options.signal?.aborted) follow();
      running = { step, position, abort };
      const ran = await runStep(step, position, abort).finally(() => {
        running = undefined;
        options.signal?.removeEventListener('abort', follow);
      });
      if (ran.ok) continue;
      // Stopped by the cancel: not a failure; the undo runs.
      if (cancelNow() === 'cancelling' && step.cancellable) return await undoAndEnd(index, { number, step, stepMs: ran.stepMs });
      const message = ran.error;
      const advice = index > 0 && plan.steps[index - 1]?.ifStoppedAfter ? stoppedAdvice(plan, index) : undefined;
      const about = { plan: plan.title, step: number, total, node: step.node, description: step.description };
      emit({ type: 'step-failed', ...position, step, error: maskSecrets(message), stepMs: ran.stepMs, planMs: Date.now() - startedAt, ...(advice && !plan.undoOnFailure ? { advice } : {}) });
      await journal.step({ ...about, phase: 'failed', error: message, durationMs: ran.stepMs });
      if (plan.undoOnFailure) return await undoFailureAndEnd(index, { number, step }, message);
      return await ended(
        {
          succeeded: false,
          completedSteps: index,
          failedStep: { number, node: step.node, description: step.description, error: maskSecrets(message) },
          ...(advice ? { advice } : {}),
          results,
        },
        { outcome: 'failed', step: number, error: message, ...(advice ? { advice } : {}) },
      );
    }
    // A cancel that came as the last step ended too: the plan is done, and undoing it all now would throw away finished work.
    if (cancelNow() === 'cancelling') emit({ type: 'notice', text: `the cancel came as the last step ended: the ${plan.title} is done, nothing was undone` });
  } finally {
    options.cancel?.removeEventListener('abort', onCancel);
    if (!options.sessions) await sessions.close();
  }
  return ended({ succeeded: true, completedSteps: total, results }, { outcome: 'succeeded' });
}

function signalName(reason: unknown): string | undefined {
  return typeof reason === 'string' && /^SIG[A-Z]+$/.test(reason) ? reason : undefined;
}

interface StepRun {
  plan: Plan;
  position: StepPosition;
  sessions: SqlSessions;
  emit: PlanEventListener;
  journal: PlanJournal;
  /** The plan's typed outcome, added to by the steps. */
  result: PlanResult;
  /** The step may be stopped half-way: a cancel also cancels its running statement on the server. */
  cancellable: boolean;
}

function stepContext(run: StepRun, options: ExecutePlanOptions, signal: AbortSignal): StepContext {
  const { sessions, emit, journal, position } = run;
  return {
    config: options.config,
    signal,
    log: (text) => emit({ type: 'step-note', ...position, text: maskSecrets(text) }),
    async sql<Row extends Record<string, unknown> = Record<string, unknown>>(node: string, text: string, sqlOptions: { mutating: boolean; params?: unknown[] }) {
      const startedAt = Date.now();
      const statement = { plan: run.plan.title, step: position.number, ...(position.undoOf !== undefined ? { undoOf: position.undoOf } : {}), node, sql: text };
      try {
        const rows = await sessions.query<Row>(node, text, { ...sqlOptions, ...(run.cancellable ? { signal } : {}) });
        // Changes are recorded; read-only polls are not (a wait loop sends one every few ms).
        if (sqlOptions.mutating) await journal.statement({ ...statement, outcome: 'succeeded', durationMs: Date.now() - startedAt });
        return rows;
      } catch (error) {
        await journal.statement({ ...statement, outcome: 'failed', error: error instanceof Error ? error.message : String(error), durationMs: Date.now() - startedAt });
        throw error;
      }
    },
    resetSession: (node) => sessions.reset(node),
    reportOutcome(reported) {
      for (const name of reported.needsRebuild ?? []) {
        if (!run.result.needsRebuild.includes(name)) run.result.needsRebuild.push(name);
        run.result.rebuilt = run.result.rebuilt.filter((other) => other !== name);
      }
      for (const name of reported.rebuilt ?? []) {
        if (!run.result.rebuilt.includes(name)) run.result.rebuilt.push(name);
        run.result.needsRebuild = run.result.needsRebuild.filter((other) => other !== name);
      }
    },
    async command(node, spec, commandOptions) {
      if (!options.runners) throw new Error(`no runner for ${node}: this step runs ${spec.program} on its host`);
      const stdout: string[] = [];
      // Every command is a job: masked, stripped, refused with a password in its arguments,
      // coalesced, recorded in the journal; its record and output reach the caller as events.
      const sink: JobSink = {
        startJob: (job) => emit({ type: 'job-started', ...position, job }),
        appendLogLines: (lines) => emit({ type: 'job-output', ...position, jobId: lines[0]?.jobId ?? 0, lines }),
        setJobProgress: (jobId, fraction, amount) => emit({ type: 'job-progress', ...position, jobId, fraction, ...(amount ? { amount } : {}) }),
        finishJob: (jobId, outcome) => emit({ type: 'job-finished', ...position, jobId, outcome }),
      };
      const result = await runJob({
        // The program first: the job bar is narrow. The plan and step say which operation it serves (journal, jobs list).
        title: `${path.posix.basename(spec.program)} (${run.plan.title}, ${stepPrefix(position)})`,
        node,
        runner: options.runners.forNode(node),
        spec,
        sink,
        audit: { recordCommand: (record) => journal.command(record) },
        signal,
        ...(options.jobControl ? { control: options.jobControl } : {}),
        ...(commandOptions?.parseProgress ? { parseProgress: commandOptions.parseProgress } : {}),
        ...(commandOptions?.logStdout === false ? { logStdout: false } : {}),
        onLine: (line) => {
          if (line.stream === 'stdout') stdout.push(line.text);
        },
      });
      if (result.exitCode !== 0 || result.timedOut || result.cancelled) throw new Error(`${spec.program}: ${describeResult(result)}`);
      return stdout.join('\n');
    },
  };
}

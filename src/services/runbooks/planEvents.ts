import { stripVTControlCharacters } from 'node:util';
import { formatElapsed } from '../runner/formatElapsed.js';
import type { JobRecord, ProgressAmount } from '../runner/jobRecord.js';
import type { LogLine } from '../runner/logLine.js';
import { maskSecrets } from '../runner/secretMasker.js';
import type { PlanResult, PlanStep } from './plan.js';

/** Where in the plan an event happened: step `number` of `total`. */
export interface StepPosition {
  number: number;
  total: number;
  /** An undo step (run after a cancel): number/total count the undo steps, undoOf is the plan step it reverses. */
  undoOf?: number;
}

/**
 * What executePlan tells its caller, in order, through one callback: the
 * store (the cockpit's log, job bar and operation) and the CLI printer map
 * these into state or lines; nobody reads the log text back. Text fields
 * are masked, except the step's own functions and detail (planEventLines
 * masks what it prints).
 */
export type PlanEvent =
  | { type: 'plan-started'; title: string; total: number }
  /** A line about the plan as a whole (the audit journal could not be written). */
  | { type: 'notice'; text: string }
  | ({ type: 'step-started'; step: PlanStep } & StepPosition)
  /** A line the step itself says (StepContext.log). */
  | ({ type: 'step-note'; text: string } & StepPosition)
  /** A command the step runs, as a job (runJob): its record, output (coalesced, stripped, masked), progress and end. */
  | ({ type: 'job-started'; job: Omit<JobRecord, 'status'> } & StepPosition)
  | ({ type: 'job-output'; jobId: number; lines: readonly LogLine[] } & StepPosition)
  | ({ type: 'job-progress'; jobId: number; fraction: number; amount?: ProgressAmount } & StepPosition)
  | ({ type: 'job-finished'; jobId: number; outcome: Pick<JobRecord, 'status' | 'endedAt' | 'exitCode' | 'signal'> } & StepPosition)
  | ({ type: 'step-finished'; step: PlanStep; result?: string; stepMs: number; planMs: number } & StepPosition)
  /** advice: the state left and what completes it, when the step before said what stopping after it leaves. */
  | ({ type: 'step-failed'; step: PlanStep; error: string; stepMs: number; planMs: number; advice?: string } & StepPosition)
  /** Stopped between steps (SIGINT, SIGTERM): `afterStep` steps ran; `remaining` lists what was not run, as the plan says it. */
  | { type: 'step-interrupted'; afterStep: number; total: number; lastStep?: PlanStep; signal?: string; advice: string; remaining: readonly string[] }
  /** A cancel came during a step that must not be stopped half-way (a promotion): it finishes, then the plan stops (as an interruption). */
  | ({ type: 'cancel-refused'; step: PlanStep } & StepPosition)
  /** A cancellable step stopped half-way by a cancel: its commands were killed; `undoCount` undo steps follow. */
  | ({ type: 'step-cancelled'; step: PlanStep; signal?: string; stepMs: number; planMs: number; undoCount: number } & StepPosition)
  /**
   * How a cancel ended: the step stopped half-way (if one ran), what was undone
   * (plan steps, "step 2 (copy the data)"), the undo that failed if one did,
   * the state left and the one command that retries or continues.
   */
  | {
      type: 'plan-cancelled';
      title: string;
      total: number;
      afterStep: number;
      stoppedStep?: number;
      signal?: string;
      undone: readonly string[];
      undoFailed?: string;
      advice: string;
      next: string;
    }
  /** How a failed plan that undoes on failure ended: the failed step, what was undone, the state left and what to do next. */
  | {
      type: 'plan-undone';
      title: string;
      total: number;
      failedStep: number;
      undone: readonly string[];
      undoFailed?: string;
      advice: string;
      next: string;
    }
  /** The end, whatever it was: the typed result (nodes needing a rebuild, ...) for the store. */
  | { type: 'outcome'; title: string; total: number; succeeded: boolean; result: PlanResult; elapsedMs: number };

export type PlanEventListener = (event: PlanEvent) => void;

/** "step 2/5" */
export function stepPrefix(position: StepPosition): string {
  return `${position.undoOf !== undefined ? 'undo' : 'step'} ${position.number}/${position.total}`;
}

/** A job's output line as the log and the CLI show it under its step: "step 3/5   ! pg_ctl: ...". */
export function jobLineText(position: StepPosition, line: Pick<LogLine, 'text' | 'stream'>): string {
  return `${stepPrefix(position)}   ${line.stream === 'stderr' ? '! ' : ''}${line.text}`;
}

/**
 * The lines an event prints, masked: the CLI writes them to stdout, the
 * cockpit appends them to its log. Job events print nothing here (the
 * job's output lines come as job-output, see jobLineText).
 */
export function planEventLines(event: PlanEvent): string[] {
  return planEventText(event).map((text) => maskSecrets(plainText(text)));
}

/**
 * Escape sequences and control characters out (newlines and tabs stay): a
 * step's result or error may quote a program's output, and the CLI prints
 * these lines to the DBA's terminal as they are.
 */
function plainText(text: string): string {
  return stripVTControlCharacters(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

function planEventText(event: PlanEvent): string[] {
  switch (event.type) {
    case 'plan-started':
      return [`▶ ${event.title}: ${event.total} step${event.total === 1 ? '' : 's'}`];
    case 'step-started': {
      const prefix = stepPrefix(event);
      const undoes = event.undoOf !== undefined ? ` (undoes step ${event.undoOf})` : '';
      return [`${prefix} on ${event.step.node}: ${event.step.description}${undoes}`, ...event.step.detail.split('\n').map((line) => `${prefix}   ${line}`)];
    }
    case 'notice':
      return [event.text];
    case 'step-note':
      return [`${stepPrefix(event)}   ${event.text}`];
    case 'job-output':
      return event.lines.map((line) => jobLineText(event, line));
    case 'job-started':
    case 'job-progress':
    case 'job-finished':
      return [];
    case 'step-finished':
      return [`${stepPrefix(event)} ✓ ${event.result ?? 'done'} (${elapsed(event)})`];
    case 'step-failed':
      if (event.undoOf !== undefined) return [`${stepPrefix(event)} ✗ ${event.step.description} failed on ${event.step.node}: ${event.error} (${elapsed(event)})`];
      return [
        `${stepPrefix(event)} ✗ ${event.step.description} failed on ${event.step.node}: ${event.error} (${elapsed(event)})`,
        `■ stopped at step ${event.number}/${event.total}${notRun(event.number + 1, event.total)}`,
        ...(event.advice ? [`  before step ${event.number} (it may have done part of its work): ${event.advice}`] : []),
      ];
    case 'step-interrupted': {
      const { afterStep, total, lastStep, signal } = event;
      return [
        `■ interrupted after step ${afterStep}/${total}${lastStep ? `: ${lastStep.description}` : ' (before the first step)'}${signal ? ` (${signal})` : ''}${notRun(afterStep + 1, total)}`,
        `  state left: ${event.advice}`,
        ...(afterStep > 0 ? ['  steps not run:', ...event.remaining] : []),
      ];
    }
    case 'cancel-refused':
      return [`${stepPrefix(event)} ⚠ cancel refused: ${event.step.description} cannot be stopped half-way; it finishes, then the plan stops`];
    case 'step-cancelled':
      return [
        `${stepPrefix(event)} ■ cancelled${event.signal ? ` (${event.signal})` : ''}: ${event.step.description} on ${event.step.node} was stopped half-way, its processes killed (${elapsed(event)})`,
        event.undoCount > 0 ? `↺ undoing what was done: ${event.undoCount} undo step${event.undoCount === 1 ? '' : 's'}, last done first` : '↺ nothing to undo: no step done has an undo',
      ];
    case 'plan-cancelled': {
      const where = event.stoppedStep !== undefined ? `at step ${event.stoppedStep}/${event.total}` : `after step ${event.afterStep}/${event.total}`;
      return [
        `■ ${event.title}: cancelled ${where}${event.signal ? ` (${event.signal})` : ''}; undone: ${event.undone.length > 0 ? event.undone.join(', ') : 'nothing'}${event.undoFailed ? `; undo failed: ${event.undoFailed}` : ''}`,
        `  state left: ${event.advice}`,
        `  next: ${event.next}`,
      ];
    }
    case 'plan-undone':
      return [
        `■ ${event.title}: step ${event.failedStep}/${event.total} failed; undone: ${event.undone.length > 0 ? event.undone.join(', ') : 'nothing'}${event.undoFailed ? `; undo failed: ${event.undoFailed}` : ''}`,
        `  state left: ${event.advice}`,
        `  next: ${event.next}`,
      ];
    case 'outcome':
      return event.succeeded ? [`✓ ${event.title}: all ${event.total} steps done in ${formatElapsed(event.elapsedMs)}`] : [];
  }
}

function elapsed(event: { stepMs: number; planMs: number }): string {
  return `${formatElapsed(event.stepMs)}, ${formatElapsed(event.planMs)} in all`;
}

/** "; steps 4..6 were not run", "; step 6 was not run", or nothing after the last step. */
function notRun(first: number, last: number): string {
  if (first > last) return '';
  return first === last ? `; step ${first} was not run` : `; steps ${first}..${last} were not run`;
}

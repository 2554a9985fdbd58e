import type { JobRecord } from '../state/createCockpitStore.js';
import type { Operation, OperationPlan } from '../state/operation.js';

/** Where a job runs, for the question: "pg2 (local as postgres)", or only the runner's place. */
export function jobPlace(job: Pick<JobRecord, 'node' | 'where'>): string {
  return job.node ? `${job.node} (${job.where})` : job.where;
}

/**
 * The question before a job is stopped. Its keys are confirmStopJob's and
 * keepJob's in the key table (a test holds them to it).
 */
export function stopJobQuestion(job: Pick<JobRecord, 'title' | 'node' | 'where'>): string {
  return `Stop "${job.title}" on ${jobPlace(job)}? y stops it, n or Esc keeps it running`;
}

/** The running operation's step, when it may be stopped half-way (PlanStep.cancellable) and no cancel was asked yet. */
export function cancellableStep(operation: Pick<Operation, 'phase' | 'plan' | 'step' | 'cancelRequested'> | undefined): OperationPlan['steps'][number] | undefined {
  if (operation?.phase !== 'running' || operation.cancelRequested || !operation.step) return undefined;
  const step = operation.plan?.steps[operation.step.number - 1];
  return step?.cancellable ? step : undefined;
}

/**
 * The question before a runbook is cancelled (Esc or Ctrl-C during a step
 * that may be stopped half-way). Its keys are confirmStopJob's and keepJob's.
 */
export function cancelOperationQuestion(operation: Pick<Operation, 'kind' | 'target' | 'plan' | 'step'>): string {
  const step = operation.step ? operation.plan?.steps[operation.step.number - 1] : undefined;
  const running = operation.step && step ? `step ${operation.step.number}/${operation.step.total} (${step.description}) on ${step.node} is stopped half-way and ` : '';
  return `Cancel the ${operation.kind} of ${operation.target}? ${running}the undo of what was done runs. y cancels it, n or Esc keeps it running`;
}

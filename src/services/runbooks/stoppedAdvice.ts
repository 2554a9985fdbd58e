import { maskSecrets } from '../runner/secretMasker.js';
import type { Plan } from './plan.js';

/**
 * What to tell the DBA when a plan stops after `completed` of its steps: the
 * last finished step's ifStoppedAfter (the state left, the command that
 * completes or reverses it), and the steps that did not run. Masked.
 */
export function stoppedAdvice(plan: Plan, completed: number): string {
  if (completed === 0) return 'nothing was changed';
  const last = plan.steps[completed - 1];
  let said: string | undefined;
  try {
    said = last?.ifStoppedAfter?.();
  } catch {
    said = undefined;
  }
  return maskSecrets(said ?? `steps 1..${completed} of ${plan.steps.length} ran; what is left is listed below`);
}

/** The steps after `completed`, each with its exact SQL or commands: what is left to do by hand. */
export function remainingSteps(plan: Plan, completed: number): string[] {
  const total = plan.steps.length;
  return plan.steps.slice(completed).flatMap((step, index) => [
    `  ${completed + index + 1}/${total} on ${step.node}: ${step.description}`,
    ...step.detail.split('\n').map((line) => `      ${line}`),
  ]).map(maskSecrets);
}

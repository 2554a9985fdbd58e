import type { PlanStep } from './plan.js';

/**
 * What the plan says under a step that may be stopped half-way: that it may,
 * and what undoes it ("may be stopped half-way; undone by: drop the copy").
 * Nothing for the others: they finish once started, and a cancel says so then.
 */
export function stepStopNote(step: Pick<PlanStep, 'cancellable' | 'undo'>): string | undefined {
  if (!step.cancellable) return undefined;
  let undo: readonly PlanStep[] = [];
  try {
    undo = typeof step.undo === 'function' ? step.undo('cancel') : (step.undo ?? []);
  } catch {
    // An undo that depends on what the step learns is only known once it ran.
  }
  return undo.length > 0
    ? `may be stopped half-way (Esc then y, or Ctrl-C); undone by: ${undo.map((undoStep) => undoStep.description).join('; ')}`
    : 'may be stopped half-way (Esc then y, or Ctrl-C); nothing to undo';
}

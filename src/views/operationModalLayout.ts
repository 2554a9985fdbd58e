import { cliLine } from '../services/runbooks/form.js';
import { runbookEntry } from '../services/runbooks/registry.js';
import type { Operation } from '../state/operation.js';
import type { ModalRow, ModalWindow } from './operationModalRows.js';
import { formRows, formSummaryRows, modalWindow, planRows, promptRows, wrapRows } from './operationModalRows.js';

/** Border (2) and the title line. */
const CHROME_ROWS = 3;

export interface OperationModalLayout {
  /** The rows under the body, always shown: what happens now and its keys. */
  prompt: ModalRow[];
  body: ModalWindow;
}

/**
 * The modal's rows at `width` × `height` (its box, border included), wrapped
 * to the width, the body from row `top`: what OperationModal draws and what
 * the scroll keys move, from the same arithmetic.
 */
export function operationModalLayout(operation: Operation, width: number, height: number, top: number): OperationModalLayout {
  // Border and padding take two columns each side.
  const inner = Math.max(1, width - 4);
  const prompt = wrapRows(promptRows(operation), inner);
  // The CLI command that prints the same plan whole.
  const { cli } = runbookEntry(operation.kind);
  // A paused copy's resume or promotion has no subcommand of its own: its plan, once run, is in the audit journal.
  // With a form: the same command line as its values, --dry-run for --yes (the subcommand alone would plan other values).
  const dryRun = operation.choices.copyFollowUp || operation.choices.copyBack
    ? 'pgcockpit log'
    : operation.form
      ? cliLine(operation.form.cli, operation.target, operation.form.spec, operation.form.values).replace(/ --yes$/, ' --dry-run')
      : `pgcockpit ${cli.name} ${'argument' in cli.target ? operation.target : `${cli.target.option.split(' ')[0]} ${operation.target}`} --dry-run`;
  // A runbook with a form: the form itself, then, above its plan, the values and the same command line.
  const rows =
    operation.phase === 'form' && operation.form
      ? formRows(operation.form)
      : // A copy-back's values only: its form is no subcommand's (pitr --copy-back is chosen before a recovery).
        [...(operation.form ? formSummaryRows(operation.form, operation.target).slice(0, operation.choices.copyBack ? 1 : 2) : []), ...(operation.plan ? planRows(operation.plan) : [])];
  return { prompt, body: modalWindow(wrapRows(rows, inner), height - CHROME_ROWS - prompt.length - 1, top, inner, dryRun) };
}

/** The modal's first row for operation `id`: the scroll the DBA left it at, or its top for an operation not scrolled yet. */
export function modalTopOf(modalTop: { operation: number; top: number }, id: number): number {
  return modalTop.operation === id ? modalTop.top : 0;
}

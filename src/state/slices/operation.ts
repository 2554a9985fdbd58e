import type { StateCreator } from 'zustand/vanilla';
import type { LogLine } from '../../services/runner/logLine.js';
import type { CockpitState } from '../createCockpitStore.js';
import { marksAfterOutcome } from '../needsRebuild.js';
import type { FormCli, FormSpec } from '../../services/runbooks/form.js';
import type { LiveLists } from '../../services/runbooks/form.js';
import { fieldChoices, formErrors, initialFormValues, liveListUnread } from '../../services/runbooks/form.js';
import { runbookEntry } from '../../services/runbooks/registry.js';
import type { Operation, OperationChoices, OperationForm, OperationKind, OperationOutcome, OperationPlan } from '../operation.js';
import { linesAppended } from './log.js';
import type { CopyFollowUpAction } from '../../services/runbooks/pitr/copyFollowUp.js';
import type { RecoveredCopy } from '../../services/runbooks/pitr/recoveredCopy.js';
import { COPY_BACK_CLI, copyBackForm } from '../../services/runbooks/pitr/copyBackForm.js';

/** A runbook asked for on a node, planned and confirmed through the modal, then run. */
export interface OperationState {
  /** The runbook asked for last; null: none (or cancelled). The operations glue plans and runs it. */
  operation: Operation | null;
  /**
   * The copy a side-by-side PITR left up, while nothing says it is gone:
   * paused at its target, the cockpit offers to resume or promote it (Ctrl-R,
   * Ctrl-P); paused or promoted (paused false once its recovery ended), to
   * copy a table back from it (Ctrl-T). Cleared once it no longer answers or
   * the server on its port is not the copy.
   */
  pausedCopy: RecoveredCopy | null;
}

export interface OperationActions {
  /**
   * Asks for a runbook on a node: the modal opens (planning) and the glue
   * prepares its plan; a runbook whose entry has a form shows the form first
   * (phase form). `entry`: the form and CLI to use instead of the registry's
   * (a test's runbook). Refused while one runs.
   */
  requestOperation(kind: OperationKind, target: string, entry?: { form?: FormSpec; cli: FormCli }): void;
  /** The form's focus to the next (1) or previous (-1) field, wrapping (Tab, Shift-Tab). */
  moveFormFocus(delta: 1 | -1): void;
  /** The focused choice to its next (1) or previous (-1) value, wrapping; a focused toggle flips (→, ←). */
  changeFormValue(delta: 1 | -1): void;
  /** The focused text field's value as typed now; its refusal goes until the next Enter. */
  editFormText(text: string): void;
  /** Enter on the form: every field checked; an invalid one keeps the form (its reason under it), else planning with the values. */
  submitForm(): void;
  /** The live lists of operation `id`'s form (the target's databases), or why they could not be read: its live choices take their first value. */
  setFormLists(id: number, result: { lists: LiveLists } | { problem: string }): void;
  /**
   * The operation asked again with these choices merged into its own (the
   * modal's Ctrl-F: fence, Ctrl-R: resume replay): same kind and target, back
   * to planning under a new id (a late plan for the old one is dropped), the
   * typed text cleared. Only from a plan being shown (phase confirm).
   */
  replanOperation(choices: OperationChoices): void;
  /**
   * Ctrl-R / Ctrl-P on a paused PITR copy: an operation (kind pitr) that
   * resumes or promotes it, planned by the glue, confirmed like any plan (the
   * copy's port typed). Refused while one runs; nothing without a paused copy.
   */
  requestCopyFollowUp(action: CopyFollowUpAction): void;
  /**
   * Ctrl-T on a recovered copy: its form (the table, its database) opens, an
   * operation (kind pitr) the glue plans as a copy-back once submitted,
   * confirmed by typing the table's name. Refused while one runs.
   */
  requestCopyBack(): void;
  /** The copy does not answer, or the server on its port is not the copy: its offer goes. */
  dropPausedCopy(): void;
  /** The copy is up but out of recovery (resumed or promoted by hand): Ctrl-R/Ctrl-P go, Ctrl-T stays. */
  copyRecoveryEnded(): void;
  /** The plan for operation `id` (ignored once that request was cancelled or replaced): the modal shows it. */
  setOperationPlan(id: number, plan: OperationPlan): void;
  typeConfirmation(text: string): void;
  /** Closes the modal before anything ran; ignored once the steps run. */
  cancelOperation(): void;
  /** Starts the steps, only when the typed text is the confirm word exactly and the plan is not blocked. */
  confirmOperation(): void;
  /** The DBA answered y to "cancel it?": the glue cancels the running step (if cancellable) and runs the undo. Once per operation. */
  requestOperationCancel(): void;
  /** The step executePlan announced last, with the lines that announce it (one set(): one render). */
  setOperationStep(id: number, step: { number: number; total: number }, lines?: readonly LogLine[]): void;
  /**
   * Planning failed (the modal shows why) or the steps ended; nodes left needing a rebuild are marked, nodes rebuilt cleared,
   * and `lines` (what the end says: "⚠ needs rebuild: pg1") appended, all in one set(): one render.
   */
  operationFinished(id: number, outcome: OperationOutcome, lines?: readonly LogLine[]): void;
}

export type OperationSlice = OperationState & OperationActions;

export function initialOperationState(): OperationState {
  return { operation: null, pausedCopy: null };
}

export const createOperationSlice: StateCreator<CockpitState, [], [], OperationSlice> = (set) => ({
  ...initialOperationState(),
  requestOperation: (kind, target, entry) =>
    set((state) => {
      if (state.operation?.phase === 'running') return { notice: `${state.operation.kind} of ${state.operation.target} is running: one operation at a time` };
      const { form: spec, cli } = entry ?? runbookEntry(kind);
      const id = (state.operation?.id ?? 0) + 1;
      if (!spec) return { operation: { id, kind, target, choices: {}, phase: 'planning', typed: '' } };
      const nodeNames = state.nodes.map((node) => node.name);
      // A choice from a live list (the node's databases): the glue reads it now, and Enter waits for it.
      const liveReading = spec.fields.some((field) => field.kind === 'choice' && liveListUnread(field));
      const form: OperationForm = { spec, cli, nodeNames, values: initialFormValues(spec, nodeNames), focus: 0, errors: {}, ...(liveReading ? { liveReading } : {}) };
      return { operation: { id, kind, target, choices: {}, phase: 'form', form, typed: '' } };
    }),
  moveFormFocus: (delta) =>
    set((state) => {
      const operation = state.operation;
      if (operation?.phase !== 'form' || !operation.form) return state;
      const count = operation.form.spec.fields.length;
      return { operation: { ...operation, form: { ...operation.form, focus: (operation.form.focus + delta + count) % count } } };
    }),
  changeFormValue: (delta) =>
    set((state) => {
      const form = state.operation?.phase === 'form' ? state.operation.form : undefined;
      const field = form?.spec.fields[form.focus];
      if (!form || !field || field.kind === 'text') return state;
      const current = form.values[field.name];
      let value: string | boolean;
      if (field.kind === 'toggle') value = current !== true;
      else {
        const choices = fieldChoices(field, form.nodeNames, form.live);
        if (choices.length === 0) return state;
        const index = choices.indexOf(String(current));
        value = choices[(index + delta + choices.length) % choices.length]!;
      }
      const { [field.name]: _refused, ...errors } = form.errors;
      return { operation: { ...state.operation!, form: { ...form, values: { ...form.values, [field.name]: value }, errors } } };
    }),
  editFormText: (text) =>
    set((state) => {
      const form = state.operation?.phase === 'form' ? state.operation.form : undefined;
      const field = form?.spec.fields[form.focus];
      if (!form || field?.kind !== 'text') return state;
      return { operation: { ...state.operation!, form: { ...form, values: { ...form.values, [field.name]: text } } } };
    }),
  submitForm: () =>
    set((state) => {
      const operation = state.operation;
      if (operation?.phase !== 'form' || !operation.form) return state;
      const form = operation.form;
      const errors = formErrors(form.spec, form.values, form.nodeNames, form.live);
      if (form.liveReading) {
        for (const field of form.spec.fields) if (field.kind === 'choice' && liveListUnread(field, form.live)) errors[field.name] = `still reading the ${field.choices} of ${operation.target}: a moment`;
      }
      const refused = operation.form.spec.fields.findIndex((field) => errors[field.name] !== undefined);
      // The first refused field takes the focus, its reason under it; nothing is planned.
      if (refused >= 0) return { operation: { ...operation, form: { ...operation.form, errors, focus: refused } } };
      return { operation: { ...operation, phase: 'planning', form: { ...operation.form, errors: {} } } };
    }),
  setFormLists: (id, result) =>
    set((state) => {
      const operation = state.operation;
      const form = operation?.id === id && operation.phase === 'form' ? operation.form : undefined;
      if (!form) return state;
      if ('problem' in result) return { operation: { ...operation!, form: { ...form, liveReading: false, liveProblem: result.problem } } };
      // The live choices start at their first value (a default), the others keep what the DBA set meanwhile.
      const initial = initialFormValues(form.spec, form.nodeNames, result.lists);
      const values = { ...form.values };
      for (const field of form.spec.fields) if (field.kind === 'choice' && liveListUnread(field, form.live)) values[field.name] = initial[field.name] ?? '';
      const { liveProblem: _none, ...rest } = form;
      return { operation: { ...operation!, form: { ...rest, live: result.lists, liveReading: false, values } } };
    }),
  replanOperation: (choices) =>
    set((state) => {
      const operation = state.operation;
      if (operation?.phase !== 'confirm') return state;
      return {
        operation: {
          id: operation.id + 1,
          kind: operation.kind,
          target: operation.target,
          choices: { ...operation.choices, ...choices },
          phase: 'planning',
          typed: '',
          ...(operation.form ? { form: operation.form } : {}),
        },
      };
    }),
  requestCopyFollowUp: (action) =>
    set((state) => {
      if (state.operation?.phase === 'running') return { notice: `${state.operation.kind} of ${state.operation.target} is running: one operation at a time` };
      const copy = state.pausedCopy;
      if (!copy) return state;
      const id = (state.operation?.id ?? 0) + 1;
      return { operation: { id, kind: 'pitr', target: `${copy.host}:${copy.port}`, choices: { copyFollowUp: { action, copy } }, phase: 'planning', typed: '' } };
    }),
  requestCopyBack: () =>
    set((state) => {
      if (state.operation?.phase === 'running') return { notice: `${state.operation.kind} of ${state.operation.target} is running: one operation at a time` };
      const copy = state.pausedCopy;
      if (!copy) return state;
      const id = (state.operation?.id ?? 0) + 1;
      const spec = copyBackForm(copy);
      const nodeNames = state.nodes.map((node) => node.name);
      const form: OperationForm = { spec, cli: COPY_BACK_CLI, nodeNames, values: initialFormValues(spec, nodeNames), focus: 0, errors: {} };
      return { operation: { id, kind: 'pitr', target: `${copy.host}:${copy.port}`, choices: { copyBack: { copy } }, phase: 'form', form, typed: '' } };
    }),
  dropPausedCopy: () => set((state) => (state.pausedCopy ? { pausedCopy: null } : state)),
  copyRecoveryEnded: () => set((state) => (state.pausedCopy && state.pausedCopy.paused !== false ? { pausedCopy: { ...state.pausedCopy, paused: false } } : state)),
  setOperationPlan: (id, plan) =>
    set((state) => (state.operation?.id === id && state.operation.phase === 'planning' ? { operation: { ...state.operation, phase: 'confirm', plan } } : state)),
  typeConfirmation: (text) => set((state) => (state.operation?.phase === 'confirm' ? { operation: { ...state.operation, typed: text } } : state)),
  cancelOperation: () =>
    set((state) => {
      const phase = state.operation?.phase;
      return phase === 'form' || phase === 'planning' || phase === 'confirm' || (phase === 'failed' && state.operation?.startedAt === undefined) ? { operation: null } : state;
    }),
  confirmOperation: () =>
    set((state) => {
      const operation = state.operation;
      if (operation?.phase !== 'confirm' || !operation.plan || operation.plan.blocked || operation.typed !== operation.plan.confirmWord) return state;
      return { operation: { ...operation, phase: 'running', startedAt: Date.now() } };
    }),
  requestOperationCancel: () =>
    set((state) => (state.operation?.phase === 'running' && !state.operation.cancelRequested ? { operation: { ...state.operation, cancelRequested: true } } : state)),
  // The step counter and the log lines announcing it in one set(): one plan event, one render.
  setOperationStep: (id, step, lines = []) =>
    set((state) => {
      const running = state.operation?.id === id && state.operation.phase === 'running' ? state.operation : undefined;
      if (!running && lines.length === 0) return state;
      return {
        ...(running ? { operation: { ...running, step } } : {}),
        ...(lines.length > 0 ? linesAppended(state, lines) : {}),
      };
    }),
  // The operation's end and the cluster slice's rebuild marks in one set().
  // The operation's end, the cluster slice's rebuild marks and the log's lines about them in one set().
  operationFinished: (id, outcome, lines = []) =>
    set((state) => {
      const said = lines.length > 0 ? linesAppended(state, lines) : {};
      if (state.operation?.id !== id || state.operation.phase === 'done' || state.operation.phase === 'failed') return lines.length > 0 ? said : state;
      return {
        ...said,
        operation: {
          ...state.operation,
          phase: outcome.succeeded ? 'done' : 'failed',
          ...(outcome.error !== undefined ? { error: outcome.error } : {}),
          ...(state.operation.startedAt !== undefined ? { endedAt: Date.now() } : {}),
        },
        needsRebuild: marksAfterOutcome(state.needsRebuild, outcome),
        ...(outcome.pausedCopy !== undefined ? { pausedCopy: outcome.pausedCopy } : {}),
        // A "cancel it?" question about an operation that ended has no answer left.
        ...(state.stopJobPrompt === 'operation' ? { stopJobPrompt: null } : {}),
      };
    }),
});

import { choiceNote, cliLine, formValuesText, liveListUnread } from '../services/runbooks/form.js';
import type { Operation, OperationForm, OperationPlan } from '../state/operation.js';
import { fenceOfferOf, operationModalMode, operationOffersResumeReplay, operationVerbOf } from '../state/operation.js';
import { wrapText } from './wrapText.js';

/** One line of the operation modal, as data: the component draws it, a test can read it. */
export interface ModalRow {
  text: string;
  tone?: 'ok' | 'fail' | 'warn' | 'muted' | 'heading' | 'code';
}

const CHECK_MARK = { ok: '✓', fail: '✗', warn: '!' } as const;

/** The plan's body: checks with what was observed (and the fix), then the numbered steps with their exact SQL or command. */
export function planRows(plan: OperationPlan): ModalRow[] {
  const rows: ModalRow[] = [{ text: 'Pre-flight checks', tone: 'heading' }];
  for (const check of plan.checks) {
    rows.push({ text: ` ${CHECK_MARK[check.status]} ${check.label}: ${check.observed}`, tone: check.status });
    if (check.fix) rows.push({ text: `     → ${check.fix}`, tone: 'muted' });
  }
  if (plan.steps.length > 0) {
    rows.push({ text: `Steps (${plan.steps.length}, in this order)`, tone: 'heading' });
    plan.steps.forEach((step, index) => {
      rows.push({ text: ` ${index + 1}. on ${step.node}: ${step.description}` });
      for (const line of step.detail.split('\n')) rows.push({ text: `      ${line}`, tone: 'code' });
      if (step.stopNote) rows.push({ text: `      (${step.stopNote})`, tone: 'muted' });
    });
  }
  for (const warning of plan.warnings) rows.push({ text: `⚠ ${warning}`, tone: 'warn' });
  return rows;
}

/**
 * The runbook's form: one line a field, the focused one marked ▸; a choice as
 * ‹ pg2 ›, text with its cursor, a toggle as [x] or [ ]; a refused field's
 * reason on the line under it.
 */
export function formRows(form: OperationForm): ModalRow[] {
  const rows: ModalRow[] = [{ text: 'Parameters', tone: 'heading' }];
  form.spec.fields.forEach((field, index) => {
    const focused = index === form.focus;
    const value = form.values[field.name];
    // A choice from a live list (the node's databases) shows … until it is read, then its note beside the value ("2 GB").
    const unread = field.kind === 'choice' && liveListUnread(field, form.live);
    const note = field.kind === 'choice' && typeof value === 'string' ? choiceNote(field, value, form.live) : undefined;
    const shown =
      field.kind === 'toggle'
        ? value === true ? '[x]' : '[ ]'
        : field.kind === 'choice'
          ? `‹ ${unread && value === '' ? '…' : String(value ?? '')} ›${note ? ` ${note}` : ''}`
          : `${String(value ?? '')}${focused ? '▏' : ''}`;
    rows.push({ text: `${focused ? '▸' : ' '} ${field.label}: ${shown}`, ...(focused ? { tone: 'ok' as const } : {}) });
    const refused = form.errors[field.name];
    if (refused !== undefined) rows.push({ text: `    ✗ ${refused}`, tone: 'fail' });
    else if (unread && form.liveProblem !== undefined) rows.push({ text: `    ✗ could not read the ${field.choices}: ${form.liveProblem}`, tone: 'fail' });
    else if (unread && form.liveReading) rows.push({ text: `    reading the ${field.choices}…`, tone: 'muted' });
    // Why the default is what it is (the rebuild's source and method).
    else if (field.hint) rows.push({ text: `    ${field.hint}`, tone: 'muted' });
  });
  return rows;
}

/** Above a formed plan: the values it was made with and the command line that makes the same plan. */
export function formSummaryRows(form: OperationForm, target: string): ModalRow[] {
  return [
    { text: `values: ${formValuesText(form.spec, form.values)}` },
    { text: `same as: ${cliLine(form.cli, target, form.spec, form.values)}`, tone: 'muted' },
  ];
}

/** The lines under the plan: what happens now and the keys for it. */
export function promptRows(operation: Operation): ModalRow[] {
  const plan = operation.plan;
  if (operation.phase === 'form') return [{ text: 'Tab/Shift-Tab: next/previous field, ←/→: change, Enter: plan with these values, Esc: leave', tone: 'heading' }];
  const followUp = operation.choices.copyFollowUp;
  if (operation.phase === 'planning' && operation.choices.copyBack) return [{ text: `planning: reading the copy on ${operation.choices.copyBack.copy.host}, port ${operation.choices.copyBack.copy.port}, and production's primary…  Esc cancels`, tone: 'muted' }];
  if (operation.phase === 'planning' && followUp) return [{ text: `planning: reading the state of the copy on ${followUp.copy.host}, port ${followUp.copy.port}…  Esc cancels`, tone: 'muted' }];
  if (operation.phase === 'planning') return [{ text: `planning the ${operation.kind} of ${operation.target}: reading every node…  Esc cancels`, tone: 'muted' }];
  if (operation.phase === 'failed' || !plan) return [{ text: `✗ could not plan the ${operation.kind}: ${operation.error ?? 'unknown error'}`, tone: 'fail' }, { text: 'Esc closes' }];
  if (plan.blocked) {
    return [
      ...plan.blockedReasons.map((reason): ModalRow => ({ text: `✗ refused, nothing was changed: ${reason}`, tone: 'fail' })),
      ...(plan.offersSwitchover && operation.kind === 'failover' ? [{ text: 'switch over instead: press s', tone: 'heading' } as const] : []),
      ...(operationOffersResumeReplay(operation) ? [{ text: `WAL replay is paused (see above): press Ctrl-R to resume it first (plans again)`, tone: 'heading' } as const] : []),
      ...(fenceOfferOf(operation).length > 0
        ? [{ text: `fence ${fenceOfferOf(operation).join(', ')} first (stop its server on its host, then promote): press Ctrl-F (plans again)`, tone: 'heading' } as const]
        : []),
      { text: 'Esc closes' },
    ];
  }
  if (operationModalMode(operation) === 'info') return [{ text: 'nothing to run: Esc closes', tone: 'heading' }];
  const word = plan.confirmWord;
  const typed = operation.typed;
  const state = typed === word ? '  ✓ matches: Enter runs it' : typed !== '' && !word.startsWith(typed) ? `  ✗ does not match ${word}` : '';
  const fence = fenceOfferOf(operation);
  return [
    ...(fence.length > 0 ? [{ text: `fence ${fence.join(', ')} first (stop its server on its host, then promote): press Ctrl-F`, tone: 'heading' } as const] : []),
    { text: `type ${word} to ${operationVerbOf(operation)}, Esc to cancel`, tone: 'heading' },
    { text: `> ${typed}▏${state}`, tone: typed === word ? 'ok' : state ? 'fail' : undefined },
  ];
}

/**
 * Rows as wide as `width` at most: a longer row goes on over the next rows,
 * under its own text (past its leading spaces and marker), in its tone, so a
 * check's observation or a warning is read to its end instead of cut.
 */
export function wrapRows(rows: readonly ModalRow[], width: number): ModalRow[] {
  return rows.flatMap((row) => {
    const lead = /^\s*(?:[✓✗!⚠>→▸]\s+|\d+\.\s+)?/.exec(row.text)?.[0] ?? '';
    const indent = ' '.repeat(Math.min([...lead].length, Math.floor(width / 2)));
    return wrapText(row.text, width, indent).map((text) => ({ ...row, text }));
  });
}

/** The modal's body: what the rows and the room for them are, and which rows show from `top`. */
export interface ModalWindow {
  /** The rows shown, the last one saying where the view is when they do not all fit. */
  shown: ModalRow[];
  /** The first row shown, kept inside the body. */
  top: number;
  /** The largest top: the last page. */
  maxTop: number;
  /** Rows a page scroll moves. */
  page: number;
}

/**
 * The `height` rows of the body from row `top`. When the rows do not all
 * fit, the last one says which rows show and the keys that scroll (the
 * modal's ↑/↓, PgUp/PgDn), and, when `width` has room, that `wholeCommand`
 * (the CLI's --dry-run, or status) prints them all.
 */
export function modalWindow(rows: readonly ModalRow[], height: number, top: number, width: number, wholeCommand = 'pgcockpit promote NODE --dry-run'): ModalWindow {
  if (rows.length <= height) return { shown: [...rows], top: 0, maxTop: 0, page: Math.max(1, height) };
  if (height <= 1) return { shown: rows.slice(0, Math.max(0, height)), top: 0, maxTop: 0, page: 1 };
  const page = height - 1;
  const maxTop = rows.length - page;
  const first = Math.max(0, Math.min(top, maxTop));
  const shown = rows.slice(first, first + page);
  const below = rows.length - first - shown.length;
  const where = `${below > 0 ? `↓ ${below} more lines · ` : ''}lines ${first + 1}–${first + shown.length} of ${rows.length} · ↑/↓ PgUp/PgDn: scroll`;
  const whole = `${where} · ${wholeCommand} prints all`;
  return { shown: [...shown, { text: [...whole].length <= width ? whole : where, tone: 'muted' }], top: first, maxTop, page };
}

/** Where a scroll key moves the first row shown: a row, or a page, inside [0, maxTop]. */
export function scrolledTop(command: 'scrollDown' | 'scrollUp' | 'pageDown' | 'pageUp', window: Pick<ModalWindow, 'top' | 'maxTop' | 'page'>): number {
  const delta = command === 'scrollDown' ? 1 : command === 'scrollUp' ? -1 : command === 'pageDown' ? window.page : -window.page;
  return Math.max(0, Math.min(window.maxTop, window.top + delta));
}

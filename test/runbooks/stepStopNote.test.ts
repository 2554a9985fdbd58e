import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';
import { operationPlanOf } from '../../src/state/operation.js';
import { planRows } from '../../src/views/operationModalRows.js';

const step = (description: string, extra: Partial<PlanStep> = {}): PlanStep => ({ node: 'pg1', description, detail: 'sleep 300', mutating: true, run: async () => undefined, ...extra });

describe('a plan says which steps may be stopped half-way and what undoes them', () => {
  const plan: Plan = {
    title: 'copy: a test plan',
    target: 'pg1',
    checks: [],
    steps: [step('copy the data', { cancellable: true, undo: [step('move the copy aside')] }), step('promote pg1')],
    blocked: false,
    blockedReasons: [],
    confirmWord: 'pg1',
    warnings: [],
  };

  it('in the printed plan (CLI, --dry-run)', () => {
    const text = formatPlan(plan);
    expect(text).toContain('(may be stopped half-way (Esc then y, or Ctrl-C); undone by: move the copy aside)');
    // A step that finishes once started says nothing here (a cancel says so when it comes).
    expect(text.split('2/2 pg1: promote pg1')[1]).not.toContain('stopped half-way');
  });

  it('in the cockpit modal', () => {
    const rows = planRows(operationPlanOf(plan)).map((row) => row.text);
    expect(rows).toContain('      (may be stopped half-way (Esc then y, or Ctrl-C); undone by: move the copy aside)');
    expect(rows.filter((row) => row.includes('stopped half-way'))).toHaveLength(1);
  });
});

import { maskSecrets } from '../runner/secretMasker.js';
import type { CheckStatus, Plan, PreflightCheck } from './plan.js';
import { stepStopNote } from './stepStopNote.js';

const MARK: Record<CheckStatus, string> = { ok: '✓', fail: '✗', warn: '!' };

/** Each check as the CLI prints it: "  ✓ label: observed", and under a failed or warned one its fix or note. Not masked. */
export function checkLines(checks: readonly PreflightCheck[]): string[] {
  return checks.flatMap((check) => [
    `  ${MARK[check.status]} ${check.label}: ${check.observed}`,
    ...(check.fix && check.status !== 'ok' ? [`      ${check.status === 'fail' ? 'fix' : 'note'}: ${check.fix}`] : []),
  ]);
}

/**
 * A plan as text, the same for the CLI and the TUI's modal: the checks with
 * ✓/✗/! and what was observed, then the numbered steps with their exact SQL
 * or command indented below, then how to go on (or why not). Passwords in
 * it (a primary_conninfo's password=...) read `password=********`: the
 * steps still run the real statements.
 */
export function formatPlan(plan: Plan, options: { confirmHint?: string } = {}): string {
  const lines = [plan.title, '', 'pre-flight checks:', ...checkLines(plan.checks), ''];
  if (plan.blocked) {
    lines.push(`REFUSED, nothing will be changed: ${plan.blockedReasons.join('; ')}`);
  } else {
    lines.push('steps:');
    plan.steps.forEach((step, index) => {
      lines.push(`  ${index + 1}/${plan.steps.length} ${step.node}: ${step.description}`);
      for (const detail of step.detail.split('\n')) lines.push(`        ${detail}`);
      const note = stepStopNote(step);
      if (note) lines.push(`        (${note})`);
    });
    if (plan.warnings.length > 0) {
      lines.push('', 'before you confirm:');
      for (const warning of plan.warnings) lines.push(`  ! ${warning}`);
    }
    if (options.confirmHint) lines.push('', options.confirmHint);
  }
  return `${maskSecrets(lines.join('\n'))}\n`;
}

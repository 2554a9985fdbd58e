import type { RecoverableWindow } from './recoverableWindowTypes.js';

/**
 * One line of `pgcockpit window`:
 *
 *   base-20261130T162637Z  2026-11-30T16:26:37+00:00 → 2026-11-30T16:40:12.345678+00:00  timeline 2  no gaps  restore points: before-drop
 *
 * The times as the JSON gives them (ISO 8601 with offset), so what is read
 * here can be typed into `pgcockpit pitr --target-time` unchanged.
 */
export function formatWindowLine(window: RecoverableWindow): string {
  const from = window.from || '(end unknown)';
  const to = window.to ?? (window.problem || window.incomplete?.lastCommit ? '?' : '(no commit after the backup\'s end)');
  const parts = [window.backupId, `${from} → ${to}`, `timeline ${window.timeline || '?'}`, gapText(window.gaps)];
  if (window.restorePoints.length > 0) parts.push(`restore points: ${window.restorePoints.map((point) => point.name).join(', ')}`);
  if (window.problem) parts.push(`✗ ${window.problem}`);
  // A search that stopped at its bound: what was not read, so "?" and a short list are not taken for "none".
  for (const unread of [window.incomplete?.lastCommit, window.incomplete?.restorePoints]) if (unread) parts.push(`? ${unread}`);
  return parts.join('  ');
}

/** "no gaps", or where recovery stops and how many segments are missing after the backup. */
function gapText(gaps: RecoverableWindow['gaps']): string {
  const [first] = gaps;
  if (!first) return 'no gaps';
  const more = gaps.length > 1 ? ` (${gaps.length} segments missing)` : '';
  return `✗ gap at ${first.segment}, ${first.atLsn}${more}: recovery stops there`;
}

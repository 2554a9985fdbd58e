/** Cells between the brackets of a job's progress bar. */
export const PROGRESS_BAR_CELLS = 20;

/**
 * A progress bar in plain characters, readable without colour: "[###########.........] 58%".
 * The bar fills only at 100 % and the percent rounds down, so a backup at
 * 99.9 % never reads as done.
 */
export function progressBarText(fraction: number, cells = PROGRESS_BAR_CELLS): string {
  const done = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  // The epsilon keeps 0.58 (57.999... in binary) at 58 %.
  const percent = Math.floor(done * 100 + 1e-9);
  const filled = done >= 1 ? cells : Math.min(cells - 1, Math.round(done * cells));
  return `[${'#'.repeat(filled)}${'.'.repeat(cells - filled)}] ${percent}%`;
}

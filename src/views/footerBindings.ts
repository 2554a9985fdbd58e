import type { KeyBinding } from '../state/keyTable.js';

/** Columns one footer hint takes: " key " inverse, a space, the label. */
export function hintWidth(binding: KeyBinding): number {
  return (binding.keys[0] ?? '').length + 3 + (binding.footer ?? '').length;
}

export const HINT_GAP = 1;

/**
 * The hints that fit in `width` columns, in table order: pinned ones always
 * (? leads to everything else), the others while there is room.
 */
export function footerBindings(active: readonly KeyBinding[], width: number): KeyBinding[] {
  const hinted = active.filter((binding) => binding.footer);
  let used = hinted.filter((binding) => binding.pinned).reduce((sum, binding) => sum + hintWidth(binding) + HINT_GAP, 0);
  const kept = new Set<KeyBinding>();
  for (const binding of hinted) {
    if (binding.pinned) {
      kept.add(binding);
      continue;
    }
    const needed = hintWidth(binding) + HINT_GAP;
    if (used + needed > width) continue;
    used += needed;
    kept.add(binding);
  }
  return hinted.filter((binding) => kept.has(binding));
}

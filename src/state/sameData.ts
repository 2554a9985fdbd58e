/**
 * Whether two pieces of plain data (what a poll builds: primitives, arrays,
 * plain objects) hold the same values. A key whose value is undefined counts
 * as absent, as JSON would have it; NaN equals NaN.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => sameData(item, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameData(left[key], right[key])) return false;
  return true;
}

/**
 * `previous` when `next` holds the same data, else `next`: a store that keeps
 * its references across equal updates lets selectors (Object.is) and memoised
 * panes see that nothing changed, so nothing re-renders.
 */
export function keepIfSame<T>(previous: T, next: T): T {
  return sameData(previous, next) ? previous : next;
}

/**
 * A time setting in the form current_setting() shows it ("0", "30s",
 * "10min", "1h", "2d", "500ms") as seconds; null when it is not one.
 */
export function settingSeconds(value: string | undefined): number | null {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value ?? '');
  if (!match) return null;
  const factors: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600, d: 86_400 };
  return Number(match[1]) * (factors[match[2] ?? 's'] ?? 1);
}

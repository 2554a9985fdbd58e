/** A refresh interval as the header shows it: "0.5 s", "2 s". */
export function intervalText(ms: number): string {
  return `${ms / 1000} s`;
}

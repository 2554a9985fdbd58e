/** A tick's time of day as the header and the log show it: 24-hour HH:MM:SS, local time. */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}

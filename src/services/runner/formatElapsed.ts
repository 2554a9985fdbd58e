import { formatDuration } from '../cluster/formatDuration.js';

/** How long a command ran: "340 ms" under a second (where "0 s" would say nothing), then "2.1 s", "3 min 20 s". */
export function formatElapsed(ms: number): string {
  return ms < 950 ? `${Math.round(ms)} ms` : formatDuration(ms / 1000);
}

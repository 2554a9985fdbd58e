import type { CommandOutcome } from '../audit/auditEntry.js';
import { formatElapsed } from './formatElapsed.js';
import type { JobRecord } from './jobRecord.js';
import type { CommandResult } from './runner.js';

/** How a finished command ended, for the audit journal. */
export function commandOutcome(result: CommandResult): CommandOutcome {
  if (result.cancelled) return 'cancelled';
  if (result.timedOut) return 'timed out';
  return result.exitCode === 0 ? 'succeeded' : 'failed';
}

/** The job's status in the store. */
export function jobStatus(result: CommandResult): JobRecord['status'] {
  if (result.cancelled) return 'cancelled';
  return result.exitCode === 0 && !result.timedOut ? 'succeeded' : 'failed';
}

/** The job's last log line: "✓ exit 0 after 1.2 s", "✗ exit 1 after 3 s", "✗ timed out after 30 s (killed by SIGTERM)". */
export function describeResult(result: CommandResult): string {
  const after = `after ${formatElapsed(result.durationMs)}`;
  const ended = result.signal !== null ? `killed by ${result.signal}` : `exit ${result.exitCode ?? '?'}`;
  if (result.cancelled) return `■ cancelled ${after} (${ended})`;
  if (result.timedOut) return `✗ timed out ${after} (${ended})`;
  if (result.exitCode === 0) return `✓ exit 0 ${after}`;
  return `✗ ${ended} ${after}`;
}

/**
 * How a point-in-time recovery ended, read off the copy's server log
 * (lc_messages C, PostgreSQL 12 to 18). The lines that matter:
 *
 *     LOG:  recovery stopping before commit of transaction 745, time 2026-11-30 12:00:03.5+00
 *     LOG:  recovery stopping at restore point "before_drop", time ...
 *     LOG:  recovery stopping after WAL location (LSN) "0/3000148"
 *     LOG:  recovery stopping after reaching consistency                 (recovery_target = immediate)
 *     LOG:  pausing at the end of recovery                               (13+; 12 says "recovery has paused")
 *     LOG:  archive recovery complete                                    (then, promoted: "database system is ready to accept connections")
 *     LOG:  last completed transaction was at log time 2026-11-30 12:00:02.1+00
 *     FATAL:  recovery ended before configured recovery target was reached   (13+: the archive ends first)
 *     LOG:  shutdown at recovery target                                  (recovery_target_action = shutdown)
 */
export interface RecoveryEnd {
  state: 'paused' | 'promoted' | 'shut down' | 'not reached' | 'failed';
  /** The server's "recovery stopping ..." line: the point reached. */
  stoppedAt?: string;
  /** "last completed transaction was at log time ...": the last commit replayed. */
  lastTransaction?: string;
  /** Why it failed, in one sentence (not reached, failed). */
  reason?: string;
}

/** Lines of the log that say recovery is over, whichever way: the watch stops on one (grep -E). */
export const RECOVERY_OVER = 'pausing at the end of recovery|recovery has paused|database system is ready to accept connections';

const message = (line: string) => line.replace(/^.*?\b(LOG|FATAL|PANIC|ERROR):\s+/, '');

/** Reads the end of a recovery from its log lines; `action` is the recovery_target_action it was given. */
export function readRecoveryEnd(lines: readonly string[], action: 'pause' | 'promote' | 'shutdown'): RecoveryEnd {
  const find = (pattern: RegExp) => lines.find((line) => pattern.test(line));
  const findLast = (pattern: RegExp) => [...lines].reverse().find((line) => pattern.test(line));
  const stopping = findLast(/recovery stopping (before|after|at) /);
  const last = findLast(/last completed transaction was at log time /);
  const found = {
    ...(stopping ? { stoppedAt: message(stopping) } : {}),
    ...(last ? { lastTransaction: message(last).replace(/^last completed transaction was at log time /, '') } : {}),
  };
  const notReached = find(/recovery ended before configured recovery target was reached/);
  if (notReached) {
    return {
      state: 'not reached',
      ...found,
      reason: `the server replayed all the archived WAL it found and did not reach the target (${message(notReached)}${found.lastTransaction ? `; the last commit it replayed was at ${found.lastTransaction}` : ''}): a segment is missing from the archive, or the target is after the last archived commit`,
    };
  }
  const paused = find(/pausing at the end of recovery|recovery has paused/);
  const promoted = find(/database system is ready to accept connections/);
  if ((paused || promoted) && !stopping) {
    // Every target reached logs "recovery stopping ..." (immediate too). Without it, recovery ran out of WAL first: PostgreSQL 12 then ends recovery anyway.
    return {
      state: 'not reached',
      ...found,
      reason: `recovery ended at the end of the archived WAL without reaching the target${promoted ? ' and the copy was promoted there (PostgreSQL 12 does this; 13 and later refuse)' : ''}${found.lastTransaction ? `; the last commit it replayed was at ${found.lastTransaction}` : ''}`,
    };
  }
  if (paused) return { state: 'paused', ...found };
  if (promoted) return { state: 'promoted', ...found };
  if (action === 'shutdown' && stopping && find(/shutdown at recovery target|database system is shut down/)) return { state: 'shut down', ...found };
  // A port taken between the check before the start and the server's bind: the log says "could not bind ... Address already in use".
  const bind = find(/could not bind .*: Address already in use/);
  if (bind && find(/could not create any TCP\/IP sockets/)) return { state: 'failed', ...found, reason: `the copy could not listen: ${message(bind)} (another process took the port just before the start); plan it again: a free port is chosen` };
  const fatal = findLast(/\b(FATAL|PANIC):/);
  return {
    state: 'failed',
    ...found,
    reason: fatal ? `the server stopped: ${message(fatal)}` : 'the server stopped before it said recovery was over (its log is in the job output)',
  };
}

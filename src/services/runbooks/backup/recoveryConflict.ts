/**
 * On a hot standby, WAL replay that removes rows a long query still needs
 * (VACUUM on the primary) waits at most max_standby_streaming_delay, then
 * cancels the query: pg_dump, one long transaction, then dies with
 *
 *     pg_dump: error: Dumping the contents of table "t" failed: PQgetResult() failed.
 *     pg_dump: detail: Error message from server: ERROR:  canceling statement due to conflict with recovery
 *     DETAIL:  User query might have needed to see row versions that must be removed.
 *
 * (PostgreSQL 12 to 18; LC_MESSAGES=C keeps the words English.)
 */
const CONFLICT = /canceling statement due to conflict with recovery|terminating connection due to conflict with recovery/i;

export function isRecoveryConflict(line: string): boolean {
  return CONFLICT.test(line);
}

/** What the failure says when the standby cancelled the dump: the remedies, each a sentence. */
export function recoveryConflictAdvice(node: string, primary: string | undefined): string {
  return (
    `${node} cancelled the dump: a recovery conflict (WAL replay removed row versions the dump still needed). ` +
    `Remedies: raise max_standby_streaming_delay on ${node} (-1 waits for the dump; replay falls behind meanwhile), ` +
    `or set hot_standby_feedback = on on ${node} (the primary keeps those rows; it may bloat while the dump runs), ` +
    `or dump the primary instead${primary ? ` (pgcockpit backup --node ${primary})` : ''}`
  );
}

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
/*
 * Replaying a LOCK the primary took waits for the dump's lock just the same; when
 * max_standby_streaming_delay is longer than deadlock_timeout, the standby's deadlock
 * check (the startup process in the cycle) cancels the dump first:
 *
 *     ERROR:  deadlock detected
 *     DETAIL:  Process 4711 waits for AccessShareLock on relation 16385 of database 16384; blocked by process 4702.
 *
 * On a standby only replay takes locks a read-only dump can wait for, so there it is a conflict too.
 */
const CONFLICT = /canceling statement due to conflict with recovery|terminating connection due to conflict with recovery|deadlock detected/i;

export function isRecoveryConflict(line: string): boolean {
  return CONFLICT.test(line);
}

/** What the failure says when the standby cancelled the dump: the remedies, each a sentence. */
export function recoveryConflictAdvice(node: string, primary: string | undefined): string {
  return (
    `${node} cancelled the dump: a recovery conflict (WAL replay needed what the dump held: row versions it still read, or a table it had locked). ` +
    `Remedies: raise max_standby_streaming_delay on ${node} (-1 waits for the dump; replay falls behind meanwhile), ` +
    `or set hot_standby_feedback = on on ${node} (the primary keeps those rows; it may bloat while the dump runs), ` +
    `or dump the primary instead${primary ? ` (pgcockpit backup --node ${primary})` : ''}`
  );
}

/**
 * A server that answered pgcockpit's login with an error (describeConnectError's
 * reason): what it means and what fixes it, for an alert that must say the
 * server is up rather than down.
 */
export function loginRefusal(downReason: string | undefined): { why: string; fix: string } {
  switch (downReason) {
    case 'too many connections':
      return {
        // 53300: every max_connections slot is taken (superusers keep superuser_reserved_connections more).
        why: 'too many connections (max_connections reached)',
        fix: 'end idle sessions (pg_stat_activity) or raise max_connections',
      };
    case 'password authentication failed':
      return { why: 'password authentication failed', fix: "fix the password of pgcockpit's user in its passfile" };
    case 'no pg_hba.conf entry / authorization failed':
      return { why: 'no pg_hba.conf entry for pgcockpit, or authorization failed', fix: "add a pg_hba.conf line for pgcockpit's address and user" };
    case 'server is starting up or shutting down':
      return { why: 'it is starting up or shutting down', fix: 'wait until it has started, then look again' };
    default:
      return { why: downReason ?? 'it refused the login', fix: "fix pgcockpit's login to it" };
  }
}

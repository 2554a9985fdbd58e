/**
 * Turns a connection failure into the reason a DBA reads in a DOWN pane.
 * node-postgres surfaces socket errors (code ECONNREFUSED, ...) and server
 * errors (SQLSTATE in `code`) on the same property.
 */
export function describeConnectError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (server not running?)';
    case 'ETIMEDOUT':
      return 'connect timeout';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENOTFOUND':
      return 'unknown host';
    case '28P01':
      return 'password authentication failed';
    case '28000':
      return 'no pg_hba.conf entry / authorization failed';
    case '53300':
      return 'too many connections';
    case '57P03':
      return 'server is starting up or shutting down';
    case '3D000':
      // The server names it (database "app" does not exist): say which, the config may name another per node.
      return /^database ".*" does not exist$/.test(message) ? message : 'database does not exist';
  }
  if (/timeout/i.test(message)) return 'timeout';
  if (/terminated/i.test(message)) return 'connection lost';
  return message;
}

/**
 * Turns a connection failure into the reason a DBA reads in a DOWN pane.
 * node-postgres surfaces socket errors (code ECONNREFUSED, ...) and server
 * errors (SQLSTATE in `code`) on the same property.
 */
export function describeConnectError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  // Shown in a pane as is: a control character in a server's message (it may quote a name) must not reach the terminal.
  // eslint-disable-next-line no-control-regex
  const message = (error instanceof Error ? error.message : String(error)).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
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

/**
 * The server itself answered the connection attempt, with an error after the
 * TCP handshake: a SQLSTATE (password authentication failed 28P01, too many
 * connections 53300, no pg_hba.conf entry 28000, starting up 57P03, ...) or a
 * client-side failure in the middle of the server's authentication exchange
 * (node-postgres' "SASL: ..." when no password was found). Such a server is
 * alive: it may still accept other sessions' writes, so it is never "gone".
 */
export function serverAnswered(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  // A server's ErrorResponse carries a severity and a SQLSTATE; a socket error's code (EPIPE, EPERM) is no answer.
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /^SASL:|client password must be a string/.test(message);
}

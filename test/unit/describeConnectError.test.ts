import { describe, expect, it } from 'vitest';
import { describeConnectError, serverAnswered } from '../../src/services/cluster/describeConnectError.js';

/** An error as node-postgres surfaces it: a message and a socket errno or SQLSTATE in `code`. */
function pgError(code: string, message = `something with code ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

describe('describeConnectError', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused (server not running?)'],
    ['ETIMEDOUT', 'connect timeout'],
    ['EHOSTUNREACH', 'host unreachable'],
    ['ENOTFOUND', 'unknown host'],
    ['28P01', 'password authentication failed'],
    ['28000', 'no pg_hba.conf entry / authorization failed'],
    ['53300', 'too many connections'],
    ['57P03', 'server is starting up or shutting down'],
    ['3D000', 'database does not exist'],
  ])('code %s → %s', (code, reason) => {
    expect(describeConnectError(pgError(code))).toBe(reason);
  });

  it('names the database that does not exist, as the server did', () => {
    expect(describeConnectError(pgError('3D000', 'database "app" does not exist'))).toBe('database "app" does not exist');
  });

  it('never hands a control character of a server\'s message to the screen', () => {
    expect(describeConnectError(pgError('XX000', 'role "a\u001b[2Jb" is odd\nsecond line'))).toBe('role "a [2Jb" is odd second line');
    expect(describeConnectError(pgError('3D000', 'database "a\u0007b" does not exist'))).toBe('database "a b" does not exist');
  });

  it('maps by code even when the message says something else', () => {
    expect(describeConnectError(pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5433'))).toBe('connection refused (server not running?)');
    expect(describeConnectError(pgError('28P01', 'password authentication failed for user "postgres"'))).toBe('password authentication failed');
  });

  it('reads the code from a plain object too', () => {
    expect(describeConnectError({ code: '57P03', message: 'the database system is starting up' })).toBe('server is starting up or shutting down');
  });

  it.each([
    ['timeout expired', 'timeout'],
    ['Connection terminated due to connection timeout', 'timeout'],
    ['Query read TIMEOUT', 'timeout'],
    ['Connection terminated unexpectedly', 'connection lost'],
  ])('message %j without a known code → %s', (message, reason) => {
    expect(describeConnectError(new Error(message))).toBe(reason);
  });

  it('keeps the message of an unknown error, also one with an unmapped code', () => {
    expect(describeConnectError(new Error('SSL SYSCALL error: EOF detected'))).toBe('SSL SYSCALL error: EOF detected');
    expect(describeConnectError(pgError('42501', 'permission denied for database demo'))).toBe('permission denied for database demo');
  });

  it('describes a value that is not an Error by its string form', () => {
    expect(describeConnectError('socket hang up')).toBe('socket hang up');
    expect(describeConnectError(42)).toBe('42');
    expect(describeConnectError(null)).toBe('null');
    expect(describeConnectError(undefined)).toBe('undefined');
    expect(describeConnectError('connect timeout after 5s')).toBe('timeout');
  });
});

describe('serverAnswered', () => {
  const serverError = (code: string) => Object.assign(new Error(`server said ${code}`), { code, severity: 'FATAL' });
  it('a server ErrorResponse (severity and SQLSTATE) means the server runs', () => {
    for (const code of ['28P01', '53300', '28000', '57P03', '3D000']) expect(serverAnswered(serverError(code))).toBe(true);
  });
  it("a socket error's five-letter code (EPIPE, EPERM) or a refused connection is no answer", () => {
    for (const code of ['EPIPE', 'EPERM', 'ECONNREFUSED', 'ETIMEDOUT']) expect(serverAnswered(pgError(code))).toBe(false);
  });
  it("node-postgres' SASL error (no password found) came in the middle of the server's authentication: an answer", () => {
    expect(serverAnswered(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'))).toBe(true);
  });
});

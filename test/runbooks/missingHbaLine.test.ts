import { describe, expect, it } from 'vitest';
import { missingHbaLine, replicationLoginCheck } from '../../src/services/runbooks/preflight/replicationLogin.js';
import { configSchema } from '../../src/services/config/schema.js';

describe('missingHbaLine', () => {
  it('turns the server\'s refusal into the exact pg_hba.conf line to add', () => {
    // As psql printed it on PostgreSQL 15 (the sandbox test of the rebuild refusal).
    const refused = 'connection to server at "127.0.0.1", port 35339 failed: FATAL:  no pg_hba.conf entry for replication connection from host "127.0.0.1", user "postgres", no encryption';
    expect(missingHbaLine(refused)).toBe('host replication postgres 127.0.0.1/32 scram-sha-256');
    expect(missingHbaLine('FATAL:  no pg_hba.conf entry for replication connection from host "::1", user "Repl User", SSL encryption')).toBe('hostssl replication "Repl User" ::1/128 scram-sha-256');
    expect(missingHbaLine('FATAL:  password authentication failed for user "replication"')).toBeNull();
  });

  it('is the fix of a refused replication-login check', () => {
    const node = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', dataDir: '/d' }] }).nodes[0]!;
    const check = replicationLoginCheck(
      { node, upstream: 'pg2', conninfo: 'host=127.0.0.1' },
      { ok: false, detail: 'FATAL:  no pg_hba.conf entry for replication connection from host "10.0.0.7", user "replication", no encryption' },
      'fail',
    );
    expect(check.fix).toBe("add this line to pg2's pg_hba.conf (above any line that rejects it), then select pg_reload_conf() on pg2 and plan again: host replication replication 10.0.0.7/32 scram-sha-256");
  });
});

import { describe, expect, it } from 'vitest';
import { createSecretMasker, isSecretEnvKey, MASK } from '../../src/services/runner/secretMasker.js';
import { refuseSecretsInArgs, SecretInArgsError } from '../../src/services/runner/secretInArgsError.js';

describe('secret masker', () => {
  it('masks every occurrence of the passwords given to it, the longest first', () => {
    const masker = createSecretMasker({ secrets: ['s3cr3t', 's3cr3t-and-more', '', undefined] });
    expect(masker.knownCount).toBe(2);
    expect(masker.mask('a s3cr3t, s3cr3t-and-more and s3cr3ts')).toBe(`a ${MASK}, ${MASK} and ${MASK}s`);
  });

  it('treats regular-expression characters in a password literally', () => {
    const masker = createSecretMasker({ secrets: ['a.b*c(d)$\\'] });
    expect(masker.mask('x a.b*c(d)$\\ y axbbc(d)$')).toBe(`x ${MASK} y axbbc(d)$`);
  });

  it('knows the values of password-like environment variables, and only those', () => {
    expect(['PGPASSWORD', 'pgpassword', 'REPL_PASSWORD', 'DB_PASSWD', 'AWS_SECRET_ACCESS_KEY', 'client_secret', 'SSL_PASSPHRASE'].every(isSecretEnvKey)).toBe(true);
    expect(['PGPASSFILE', 'PGUSER', 'HOME', 'PATH', 'PGHOST'].some(isSecretEnvKey)).toBe(false);
    const masker = createSecretMasker({ env: { PGPASSWORD: 'pw-one', MY_SECRET: 'pw-two', PGUSER: 'postgres', PGPASSFILE: '/x/.pgpass' } });
    expect(masker.mask('pw-one pw-two postgres /x/.pgpass')).toBe(`${MASK} ${MASK} postgres /x/.pgpass`);
  });

  it('masks password= in conninfo strings, quoted or not, whatever the password', () => {
    const masker = createSecretMasker();
    expect(masker.mask("primary_conninfo = 'user=replication password=unknown1 host=127.0.0.1 port=5433'")).toBe(
      `primary_conninfo = 'user=replication password=${MASK} host=127.0.0.1 port=5433'`,
    );
    expect(masker.mask("host=db1 password = 'with space\\' quote' dbname=x")).toBe(`host=db1 password = ${MASK} dbname=x`);
    expect(masker.mask('PASSWORD=Upper')).toBe(`PASSWORD=${MASK}`);
  });

  it('masks passwords in URIs, PGPASSWORD=... and SQL PASSWORD literals', () => {
    const masker = createSecretMasker();
    expect(masker.mask('postgresql://repl:p%40ss@db1:5432/postgres')).toBe(`postgresql://repl:${MASK}@db1:5432/postgres`);
    expect(masker.mask('postgres://db1/postgres?user=x&password=abc&sslmode=require')).toBe(`postgres://db1/postgres?user=x&password=${MASK}&sslmode=require`);
    expect(masker.mask('PGPASSWORD=abc pg_basebackup -h db1')).toBe(`PGPASSWORD=${MASK} pg_basebackup -h db1`);
    expect(masker.mask("ALTER ROLE replication PASSWORD 'it''s secret';")).toBe(`ALTER ROLE replication PASSWORD '${MASK}';`);
  });

  it('leaves ordinary text alone', () => {
    const masker = createSecretMasker({ secrets: ['hunter2'] });
    for (const text of [
      'FATAL:  password authentication failed for user "replication"',
      "password_encryption = 'scram-sha-256'",
      'passfile=/var/lib/postgresql/.pgpass',
      'postgresql://db1:5432/postgres',
      '',
    ]) {
      expect(masker.mask(text)).toBe(text);
      expect(masker.reveals(text)).toBe(false);
    }
  });
});

describe('passwords never on the command line', () => {
  const masker = createSecretMasker({ secrets: ['hunter2'], env: { PGPASSWORD: 'from-env' } });

  it('refuses an argument holding a known password, without repeating it', () => {
    const spec = { program: 'psql', args: ['-h', 'db1', '-c', "select 'hunter2'"], mutating: false };
    expect(() => refuseSecretsInArgs(spec, masker)).toThrow(SecretInArgsError);
    expect(() => refuseSecretsInArgs(spec, masker)).toThrow('refused to run psql: its argument 4 holds a password');
    try {
      refuseSecretsInArgs(spec, masker);
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
    expect(() => refuseSecretsInArgs({ program: 'x', args: ['from-env'], mutating: false }, masker)).toThrow(SecretInArgsError);
  });

  it('refuses a conninfo with a password in it, even one it did not know', () => {
    const spec = { program: 'pg_basebackup', args: ['-d', 'host=db1 user=replication password=guessme', '-D', '/data'], mutating: true };
    expect(() => refuseSecretsInArgs(spec, masker)).toThrow('its argument 2 holds a password');
  });

  it('lets ordinary arguments through', () => {
    expect(() => refuseSecretsInArgs({ program: 'pg_basebackup', args: ['-d', 'host=db1 user=replication', '-D', '/data', '-R'], mutating: true }, masker)).not.toThrow();
  });
});

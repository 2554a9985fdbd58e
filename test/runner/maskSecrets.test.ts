import { describe, expect, it } from 'vitest';
import { MASK, maskSecrets, maskSecretsDeep } from '../../src/services/runner/secretMasker.js';

/** primary_conninfo passwords in every layer of quoting pgcockpit prints them in. */
describe('maskSecrets', () => {
  it('masks a bare password in a conninfo, as SHOW primary_conninfo gives it', () => {
    expect(maskSecrets('user=replication password=s3cret host=127.0.0.1 port=5433 sslmode=prefer')).toBe(
      `user=replication password=${MASK} host=127.0.0.1 port=5433 sslmode=prefer`,
    );
    expect(maskSecrets('host=h password=last')).toBe(`host=h password=${MASK}`);
    expect(maskSecrets("user=r password=it's host=h")).toBe(`user=r password=${MASK} host=h`);
    expect(maskSecrets('user=r password=back\\ slash host=h')).toBe(`user=r password=${MASK} host=h`);
  });

  it('masks a quoted password with \\\' escapes and spaces inside', () => {
    expect(maskSecrets("user=r password='se cret' host=h")).toBe(`user=r password=${MASK} host=h`);
    expect(maskSecrets("user=r password='it\\'s me' host=h")).toBe(`user=r password=${MASK} host=h`);
    expect(maskSecrets("user=r password = 'a\\\\b' host=h")).toBe(`user=r password = ${MASK} host=h`);
    expect(maskSecrets("host=h password='at the end'")).toBe(`host=h password=${MASK}`);
  });

  it('masks it inside an SQL literal (quotes doubled), keeping the literal closed', () => {
    expect(maskSecrets("alter system set primary_conninfo = 'user=r password=s3cret host=h port=5432'")).toBe(
      `alter system set primary_conninfo = 'user=r password=${MASK} host=h port=5432'`,
    );
    expect(maskSecrets("alter system set primary_conninfo = 'host=h password=s3cret'")).toBe(`alter system set primary_conninfo = 'host=h password=${MASK}'`);
    expect(maskSecrets("alter system set primary_conninfo = 'user=r password=''it\\''s me'' host=h'")).toBe(
      `alter system set primary_conninfo = 'user=r password=${MASK} host=h'`,
    );
    expect(maskSecrets("alter system set primary_conninfo = 'host=h password=''it\\''s me'''")).toBe(`alter system set primary_conninfo = 'host=h password=${MASK}'`);
    // postgresql.auto.conf: backslashes doubled as well
    expect(maskSecrets("primary_conninfo = 'user=r password=''it\\\\''s'' host=h'")).toBe(`primary_conninfo = 'user=r password=${MASK} host=h'`);
    expect(maskSecrets("primary_conninfo = 'user=r password=it\\''s host=h'")).toBe(`primary_conninfo = 'user=r password=${MASK} host=h'`);
  });

  it('masks it in a shell-quoted argument', () => {
    expect(maskSecrets("sh -c '...' sh /d/postgresql.auto.conf 'primary_conninfo = '\\''user=r password=s3cret host=h'\\'''")).toBe(
      `sh -c '...' sh /d/postgresql.auto.conf 'primary_conninfo = '\\''user=r password=${MASK} host=h'\\'''`,
    );
    const nested = maskSecrets("'primary_conninfo = '\\''user=r password='\\'''\\''se cret'\\'''\\'' host=h'\\'''");
    expect(nested).not.toContain('se cret');
    expect(nested).not.toContain('cret');
    expect(nested).toContain('host=h');
  });

  it('masks URIs, every line of a multi-line detail, and is idempotent', () => {
    expect(maskSecrets('postgresql://repl:s3cret@127.0.0.1:5432/postgres?sslmode=require')).toBe(`postgresql://repl:${MASK}@127.0.0.1:5432/postgres?sslmode=require`);
    expect(maskSecrets('postgres://h/db?user=r&password=s3cret&sslmode=require')).toBe(`postgres://h/db?user=r&password=${MASK}&sslmode=require`);
    const detail = "alter system set primary_conninfo = 'host=h password=''a b'''\nselect pg_reload_conf()\nhost=x password=y";
    expect(maskSecrets(detail)).toBe(`alter system set primary_conninfo = 'host=h password=${MASK}'\nselect pg_reload_conf()\nhost=x password=${MASK}`);
    expect(maskSecrets(maskSecrets(detail))).toBe(maskSecrets(detail));
    // the SQL-side mask of a snapshot (password=****) reads as the one mask
    expect(maskSecrets('user=r password=**** host=h')).toBe(`user=r password=${MASK} host=h`);
  });

  it('leaves text without a password alone', () => {
    for (const text of ["password_encryption = 'scram-sha-256'", 'passfile=/var/lib/postgresql/.pgpass host=h', 'FATAL:  password authentication failed for user "r"']) {
      expect(maskSecrets(text)).toBe(text);
    }
  });

  it('masks every string of a JSON-like value', () => {
    expect(maskSecretsDeep({ a: ['host=h password=x'], b: 1, c: null, d: { e: 'password=y' } })).toEqual({
      a: [`host=h password=${MASK}`],
      b: 1,
      c: null,
      d: { e: `password=${MASK}` },
    });
  });
});

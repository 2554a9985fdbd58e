import { describe, expect, it } from 'vitest';
import { confLines, confString, conninfo, conninfoValue } from '../../src/services/postgres/confValue.js';

/**
 * How the server reads a quoted value in postgresql.conf (src/backend/utils/misc/guc-file.l):
 * the token is STRING \'([^'\\\n]|\\.|\'\')*\' and DeescapeQuotedString turns '' into ',
 * \b \f \n \r \t and \ooo (octal) into those bytes, and \x into x for any other x.
 * Returns the value and what follows the closing quote on the line.
 */
function readConfString(text: string): { value: string; rest: string } {
  if (text[0] !== "'") throw new Error(`not a quoted string: ${text}`);
  let value = '';
  let i = 1;
  for (;;) {
    const char = text[i];
    if (char === undefined || char === '\n') throw new Error(`unterminated quoted string: ${text}`);
    if (char === '\\') {
      const next = text[i + 1];
      if (next === undefined || next === '\n') throw new Error(`unterminated quoted string: ${text}`);
      const simple: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (simple[next] !== undefined) {
        value += simple[next];
        i += 2;
      } else if (/[0-7]/.test(next)) {
        const digits = /^[0-7]{1,3}/.exec(text.slice(i + 1))?.[0] ?? next;
        value += String.fromCharCode(parseInt(digits, 8));
        i += 1 + digits.length;
      } else {
        value += next;
        i += 2;
      }
    } else if (char === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
      } else {
        return { value, rest: text.slice(i + 1) };
      }
    } else {
      value += char;
      i += 1;
    }
  }
}

/** libpq's conninfo_parse (fe-connect.c): key = value pairs, values bare or in '...', \ escapes in both. */
function parseConninfo(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  let i = 0;
  const isSpace = (c: string | undefined) => c !== undefined && /^[ \t\n\r\v\f]$/.test(c);
  while (i < text.length) {
    while (isSpace(text[i])) i++;
    if (i >= text.length) break;
    let key = '';
    while (i < text.length && text[i] !== '=' && !isSpace(text[i])) key += text[i++];
    while (isSpace(text[i])) i++;
    if (text[i] !== '=') throw new Error(`missing "=" after "${key}" in ${text}`);
    i++;
    while (isSpace(text[i])) i++;
    let value = '';
    if (text[i] !== "'") {
      while (i < text.length && !isSpace(text[i])) {
        if (text[i] === '\\') i++;
        if (i < text.length) value += text[i++];
      }
    } else {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated quoted string in ${text}`);
        if (text[i] === '\\') {
          i++;
          if (i < text.length) value += text[i++];
          continue;
        }
        if (text[i] === "'") {
          i++;
          break;
        }
        value += text[i++];
      }
    }
    result[key] = value;
  }
  return result;
}

describe('confString', () => {
  it.each([
    ['replica', "'replica'"],
    ['', "''"],
    ['127.0.0.1', "'127.0.0.1'"],
    ["it's", "'it''s'"],
    ["''", "''''''"],
    ['%m [%p] %q%u@%d ', "'%m [%p] %q%u@%d '"],
  ])('%j → %s', (value, quoted) => {
    expect(confString(value)).toBe(quoted);
  });

  it.each(['replica', '', "it's", "'", "''quoted''", 'a b  c', '%m [%p] ', 'é 🐘', 'test ! -f /a/%f && cp %p /a/%f'])(
    'the server reads %j back unchanged',
    (value) => {
      expect(readConfString(confString(value))).toEqual({ value, rest: '' });
    },
  );

  // BUG: postgresql.conf strings DO process backslash escapes (guc-file.l, DeescapeQuotedString; checked
  // with `postgres -C archive_command` on PostgreSQL 15: 'a\tb\\c' reads back as "a<TAB>b\c").
  // confString leaves backslashes alone, so a value with a backslash comes back changed, and a value
  // ending in a backslash, or holding \' (what shellQuote writes for a single quote), breaks the file:
  // confString("it'\\''s") = 'it''\''''s' makes the server stop with "syntax error ... near token s".
  // Expected: backslashes doubled too (as pg_basebackup -R does for primary_conninfo).
  it('the server reads values with backslashes back unchanged', () => {
    for (const value of ['C:\\temp', 'a\\b', 'ends with \\', "'it'\\''s'", 'x\\ny', '\\\\server\\share']) {
      expect(readConfString(confString(value))).toEqual({ value, rest: '' });
    }
  });
});

describe('confLines', () => {
  it('writes one name = value line per setting, in order: strings quoted, booleans on/off, numbers bare', () => {
    expect(
      confLines({
        listen_addresses: '127.0.0.1',
        unix_socket_directories: '',
        max_wal_senders: 10,
        wal_log_hints: true,
        fsync: false,
        archive_timeout: 60,
        checkpoint_completion_target: 0.9,
        cluster_name: "o'brien",
      }),
    ).toBe(
      [
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        'max_wal_senders = 10',
        'wal_log_hints = on',
        'fsync = off',
        'archive_timeout = 60',
        'checkpoint_completion_target = 0.9',
        "cluster_name = 'o''brien'",
        '',
      ].join('\n'),
    );
  });

  it('writes a number-looking string quoted, as a string', () => {
    expect(confLines({ shared_buffers: '32MB', port: '5432' })).toBe("shared_buffers = '32MB'\nport = '5432'\n");
  });

  it('writes nothing for no settings', () => {
    expect(confLines({})).toBe('');
  });
});

describe('conninfoValue', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['replication', 'replication'],
    ['5432', '5432'],
    ['a=b', 'a=b'],
    ['', "''"],
    ['a b', "'a b'"],
    ['tab\there', "'tab\there'"],
    ["o'brien", "'o\\'brien'"],
    ['C:\\dir', "'C:\\\\dir'"],
    ["\\'", "'\\\\\\''"],
  ])('%j → %s', (value, written) => {
    expect(conninfoValue(value)).toBe(written);
  });
});

describe('conninfo', () => {
  it('joins key=value pairs with spaces and drops undefined parameters', () => {
    expect(conninfo({ host: '127.0.0.1', port: 5433, user: 'replication', password: undefined, application_name: 'pg2' })).toBe(
      'host=127.0.0.1 port=5433 user=replication application_name=pg2',
    );
    expect(conninfo({ host: undefined })).toBe('');
  });

  it('keeps an empty string (unlike undefined) as an explicit empty value', () => {
    expect(conninfo({ host: '127.0.0.1', sslmode: '' })).toBe("host=127.0.0.1 sslmode=''");
  });

  it('libpq parses it back to the same parameters, whatever the values hold', () => {
    const params = {
      host: '/tmp/socket dir',
      port: 5432,
      user: "o'brien",
      password: "p@ss word\\with'everything\" =x",
      dbname: 'C:\\data\\',
      application_name: '',
      options: '-c search_path=a,b',
      sslmode: 'prefer',
    };
    const parsed = parseConninfo(conninfo(params));
    expect(parsed).toEqual(Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)])));
  });
});

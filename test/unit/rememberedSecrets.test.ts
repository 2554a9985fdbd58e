import { describe, expect, it } from 'vitest';
import { confString } from '../../src/services/postgres/confValue.js';
import { formatConninfo, parseConninfo, rememberConninfoPasswords } from '../../src/services/runbooks/conninfoEdit.js';
import { sqlLiteral } from '../../src/services/runbooks/failover/repointStandby.js';
import { maskSecrets, maskSecretsDeep } from '../../src/services/runner/secretMasker.js';

describe('passwords read from a conninfo are masked whatever their quoting', () => {
  it.each([
    ['p w=q'],
    ['pa ss sslmode=disable'],
    ["it's x=1"],
    ['back\\slash tail=z'],
  ])('%s: in the conninfo, an SQL literal, postgresql.auto.conf and JSON', (password) => {
    const conninfo = formatConninfo([
      ['host', '10.0.0.1'],
      ['user', 'replication'],
      ['password', password],
      ['sslmode', 'prefer'],
    ]);
    expect(parseConninfo(conninfo).find(([key]) => key === 'password')?.[1]).toBe(password);
    rememberConninfoPasswords(conninfo);
    const tail = password.split(' ').at(-1)!;
    const shown = [
      maskSecrets(conninfo),
      maskSecrets(`alter system set primary_conninfo = ${sqlLiteral(conninfo)}`),
      maskSecrets(`primary_conninfo = ${confString(conninfo)}`),
      JSON.stringify(maskSecretsDeep({ detail: `alter system set primary_conninfo = ${sqlLiteral(conninfo)}` })),
    ];
    for (const text of shown) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(tail);
      expect(text).toContain('********');
    }
  });
});

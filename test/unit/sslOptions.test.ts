import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sslOptions } from '../../src/services/postgres/sslOptions.js';

describe('sslOptions: libpq sslmode as node-postgres options', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'pgcockpit-ssl-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('leaves node-postgres its default ($PGSSLMODE) when the node names none', () => {
    expect(sslOptions({})).toBeUndefined();
  });

  it('disable, allow and prefer are plaintext; require encrypts without checking the certificate', () => {
    expect(sslOptions({ sslmode: 'disable' })).toBe(false);
    expect(sslOptions({ sslmode: 'prefer' })).toBe(false);
    expect(sslOptions({ sslmode: 'require' })).toEqual({ rejectUnauthorized: false });
  });

  it('verify-ca and verify-full check against sslrootcert, by default ~/.postgresql/root.crt', () => {
    const ca = path.join(home, 'ca.crt');
    writeFileSync(ca, 'CA');
    expect(sslOptions({ sslmode: 'verify-full', sslrootcert: ca })).toEqual({ ca: 'CA', rejectUnauthorized: true });
    const verifyCa = sslOptions({ sslmode: 'verify-ca', sslrootcert: ca });
    expect(verifyCa).toMatchObject({ ca: 'CA', rejectUnauthorized: true });
    expect(sslOptions({ sslmode: 'verify-full', sslrootcert: 'system' })).toEqual({ rejectUnauthorized: true });
    expect(() => sslOptions({ sslmode: 'verify-full' }, home)).toThrow(`sslrootcert ${path.join(home, '.postgresql', 'root.crt')} does not exist`);
  });
});

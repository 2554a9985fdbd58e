import { describe, expect, it } from 'vitest';
import { conninfoEndpoint, formatConninfo, parseConninfo, rejoinConninfo, repointConninfo } from '../../src/services/runbooks/conninfoEdit.js';

const target = { host: '127.0.0.1', port: 5434, user: 'replication', applicationName: 'pg3' };

describe('parseConninfo', () => {
  it('reads what pg_basebackup -R writes', () => {
    const text =
      "user=replication passfile='/var/lib/postgresql/.pgpass' channel_binding=prefer host=127.0.0.1 port=5432 sslmode=prefer";
    expect(parseConninfo(text)).toEqual([
      ['user', 'replication'],
      ['passfile', '/var/lib/postgresql/.pgpass'],
      ['channel_binding', 'prefer'],
      ['host', '127.0.0.1'],
      ['port', '5432'],
      ['sslmode', 'prefer'],
    ]);
  });

  it('handles spaces around "=", quoted values with spaces, escaped quotes and backslashes', () => {
    expect(parseConninfo(" host = db1  passfile='/tmp/my dir/.pgpass' options='-c x=\\'y\\'' app=a\\ b dbname=''")).toEqual([
      ['host', 'db1'],
      ['passfile', '/tmp/my dir/.pgpass'],
      ['options', "-c x='y'"],
      ['app', 'a b'],
      ['dbname', ''],
    ]);
  });

  it('refuses a value without "=" and an unterminated quote', () => {
    expect(() => parseConninfo('host db1')).toThrow(/missing "=" after "host"/);
    expect(() => parseConninfo("passfile='/tmp")).toThrow(/unterminated/);
  });

  it('reads a URI', () => {
    expect(parseConninfo('postgresql://replication@10.0.0.1:5433/postgres?sslmode=require')).toEqual([
      ['user', 'replication'],
      ['host', '10.0.0.1'],
      ['port', '5433'],
      ['dbname', 'postgres'],
      ['sslmode', 'require'],
    ]);
  });

  it('round-trips through formatConninfo', () => {
    const entries = parseConninfo("passfile='/tmp/my dir/.pgpass' options='-c x=\\'y\\'' host=db1");
    expect(parseConninfo(formatConninfo(entries))).toEqual(entries);
  });
});

describe('repointConninfo', () => {
  it('replaces host and port, keeps user, passfile and the rest; sets application_name only when asked', () => {
    const { conninfo, hasPassword } = repointConninfo(
      "user=replication passfile='/srv/my sandbox/.pgpass' channel_binding=prefer host=127.0.0.1 port=5432 sslmode=prefer",
      { host: '127.0.0.1', port: 5434, user: 'replication' },
    );
    expect(hasPassword).toBe(false);
    expect(conninfo).toBe("host=127.0.0.1 port=5434 user=replication passfile='/srv/my sandbox/.pgpass' channel_binding=prefer sslmode=prefer");
    expect(repointConninfo('user=r application_name=old', target).conninfo).toBe('host=127.0.0.1 port=5434 application_name=pg3 user=r');
  });

  it('keeps the password pg_basebackup -R wrote (the standby cannot log in without it), and drops hostaddr and service', () => {
    const { conninfo, hasPassword } = repointConninfo("hostaddr=10.0.0.1 host=db1 user=repl password='s3 cret' service=old sslmode=require", {
      host: '127.0.0.1',
      port: 5434,
      user: 'replication',
    });
    expect(hasPassword).toBe(true);
    expect(conninfo).toBe("host=127.0.0.1 port=5434 user=repl password='s3 cret' sslmode=require");
  });

  it('builds one from the config when the standby has none', () => {
    expect(repointConninfo('', target).conninfo).toBe('host=127.0.0.1 port=5434 user=replication application_name=pg3');
  });
});

describe('rejoinConninfo', () => {
  const base = { host: '127.0.0.1', port: 5434, user: 'replication', nodeName: 'pg1' };
  it("takes the old primary's own credentials first", () => {
    const result = rejoinConninfo({ ...base, own: 'host=x port=1 user=me password=mine', target: 'host=y user=replication password=theirs sslmode=require' });
    expect(result.credentialsFrom).toBe('own');
    expect(result.conninfo).toBe('host=127.0.0.1 port=5434 user=me password=mine sslmode=require');
  });

  it("else the target's, with application_name renamed when it was the target's own name", () => {
    const result = rejoinConninfo({ ...base, own: '', target: "user=replication password=theirs application_name=pg2 passfile='/p q'" });
    expect(result).toMatchObject({ credentialsFrom: 'target', hasPassword: true });
    expect(result.conninfo).toBe("host=127.0.0.1 port=5434 user=replication password=theirs passfile='/p q' application_name=pg1");
  });

  it("else the config's replication user", () => {
    expect(rejoinConninfo({ ...base, own: '', target: 'host=db1 sslmode=verify-full' })).toMatchObject({
      credentialsFrom: 'config',
      hasPassword: false,
      conninfo: 'host=127.0.0.1 port=5434 user=replication sslmode=verify-full',
    });
  });
});

describe('conninfoEndpoint', () => {
  it('prefers hostaddr and defaults the port to 5432', () => {
    expect(conninfoEndpoint('host=db1 hostaddr=10.0.0.1')).toEqual({ host: '10.0.0.1', port: 5432 });
    expect(conninfoEndpoint('host=db1 port=5433')).toEqual({ host: 'db1', port: 5433 });
  });
});

import { describe, expect, it } from 'vitest';
import { conninfoEndpoint, formatConninfo, parseConninfo, repointConninfo } from '../../src/services/runbooks/conninfoEdit.js';

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
  it('replaces host and port, sets user and application_name, keeps passfile and the rest', () => {
    const { conninfo, droppedPassword } = repointConninfo(
      "user=replication passfile='/srv/my sandbox/.pgpass' channel_binding=prefer host=127.0.0.1 port=5432 sslmode=prefer",
      target,
    );
    expect(droppedPassword).toBe(false);
    expect(conninfo).toBe(
      "host=127.0.0.1 port=5434 user=replication application_name=pg3 passfile='/srv/my sandbox/.pgpass' channel_binding=prefer sslmode=prefer",
    );
  });

  it('drops hostaddr and service (they would still point at the old primary) and never keeps a password', () => {
    const { conninfo, droppedPassword } = repointConninfo("hostaddr=10.0.0.1 host=db1 password='s3 cret' service=old sslmode=require", target);
    expect(droppedPassword).toBe(true);
    expect(conninfo).toBe('host=127.0.0.1 port=5434 user=replication application_name=pg3 sslmode=require');
    expect(conninfo).not.toContain('s3');
  });

  it('builds one from the config when the standby has none', () => {
    expect(repointConninfo('', target).conninfo).toBe('host=127.0.0.1 port=5434 user=replication application_name=pg3');
  });
});

describe('conninfoEndpoint', () => {
  it('prefers hostaddr and defaults the port to 5432', () => {
    expect(conninfoEndpoint('host=db1 hostaddr=10.0.0.1')).toEqual({ host: '10.0.0.1', port: 5432 });
    expect(conninfoEndpoint('host=db1 port=5433')).toEqual({ host: 'db1', port: 5433 });
  });
});

import { describe, expect, it } from 'vitest';
import { describeConfig } from '../../src/services/config/describeConfig.js';
import { parseConfig } from '../../src/services/config/loadConfig.js';
import { dedent } from './dedent.js';

describe('describeConfig', () => {
  it('summarises the cluster, one node per line', () => {
    const config = parseConfig(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, port: 5432, dataDir: /srv/pg1 }
          - { name: pg2, host: 10.0.0.12, ssh: { host: db2 } }
          - { name: pg3, host: 10.0.0.13, ssh: { host: db3, user: admin, port: 2222 } }
        archive: { dir: /srv/archive, host: pg1 }
        backups: { dir: /srv/backups }
      `,
      'pgcockpit.yaml',
    );
    expect(describeConfig(config, 'pgcockpit.yaml')).toBe(
      [
        'pgcockpit.yaml: cluster "demo", 3 nodes:',
        '  pg1 127.0.0.1:5432 (local)',
        '  pg2 10.0.0.12:5432 (ssh db2)',
        '  pg3 10.0.0.13:5432 (ssh admin@db3 port 2222)',
        '  WAL archive: /srv/archive on pg1',
        '  base backups: /srv/backups',
      ].join('\n'),
    );
  });

  it('says "1 node" for a single node', () => {
    const config = parseConfig('cluster: solo\nnodes: [{ name: pg1, host: localhost, dataDir: /srv/pg1 }]\n', 'x.yaml');
    expect(describeConfig(config, 'x.yaml')).toBe('x.yaml: cluster "solo", 1 node:\n  pg1 localhost:5432 (local)');
  });

  it("names a node's serverLog, the file pgcockpit's pg_ctl start writes", () => {
    const config = parseConfig('cluster: solo\nnodes: [{ name: pg1, host: localhost, dataDir: /srv/pg1/data, serverLog: /var/log/pg1.log }]\n', 'x.yaml');
    expect(describeConfig(config, 'x.yaml')).toBe('x.yaml: cluster "solo", 1 node:\n  pg1 localhost:5432 (local), server log /var/log/pg1.log');
  });
});

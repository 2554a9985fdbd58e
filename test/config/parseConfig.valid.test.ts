import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/services/config/loadConfig.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { dedent } from './dedent.js';

const HOME = '/home/dba';

describe('parseConfig accepts a valid file', () => {
  it('reads every option, expanding ~/ in the paths on this machine', () => {
    const config = parseConfig(
      dedent`
        # A primary on this machine and a standby reached over ssh.
        cluster: prod
        passfile: ~/.pgpass-prod
        nodes:
          - name: pg1
            host: 127.0.0.1
            port: 5432
            user: dba
            database: app
            passfile: ~/.pgpass-pg1
            dataDir: ~/pg/pg1
            osUser: postgres
            pgBinDir: ~/pg/16/bin
            service:
              start: [sudo, systemctl, start, postgresql@16-main]
              stop: [sudo, systemctl, stop, postgresql@16-main]
              restart: [sudo, systemctl, restart, postgresql@16-main]
              status: [systemctl, is-active, postgresql@16-main]
          - name: pg2
            host: 10.0.0.12
            port: 5433
            user: dba
            database: app
            dataDir: /var/lib/postgresql/16/main
            osUser: postgres
            pgBinDir: /usr/lib/postgresql/16/bin
            ssh:
              host: db2
              user: admin
              port: 2222
              identityFile: ~/.ssh/id_ed25519
        replication:
          user: replicator
          slotNamePattern: standby_{node}
        archive:
          dir: ~/wal-archive
          host: pg1
        backups:
          dir: ~/base-backups
        thresholds:
          lagBytesWarning: 1048576
          lagSecondsCritical: 120
      `,
      'pgcockpit.yaml',
      { home: HOME },
    );
    expect(config).toEqual({
      cluster: 'prod',
      passfile: `${HOME}/.pgpass-prod`,
      nodes: [
        {
          name: 'pg1',
          host: '127.0.0.1',
          port: 5432,
          user: 'dba',
          database: 'app',
          passfile: `${HOME}/.pgpass-pg1`,
          dataDir: `${HOME}/pg/pg1`,
          osUser: 'postgres',
          pgBinDir: `${HOME}/pg/16/bin`,
          service: {
            start: ['sudo', 'systemctl', 'start', 'postgresql@16-main'],
            stop: ['sudo', 'systemctl', 'stop', 'postgresql@16-main'],
            restart: ['sudo', 'systemctl', 'restart', 'postgresql@16-main'],
            status: ['systemctl', 'is-active', 'postgresql@16-main'],
          },
        },
        {
          name: 'pg2',
          host: '10.0.0.12',
          port: 5433,
          user: 'dba',
          database: 'app',
          // On db2 nothing expands ~ (pg_ctl takes it literally): only an absolute path is accepted there.
          dataDir: '/var/lib/postgresql/16/main',
          osUser: 'postgres',
          pgBinDir: '/usr/lib/postgresql/16/bin',
          // The identity file is read by ssh on this machine.
          ssh: { host: 'db2', user: 'admin', port: 2222, identityFile: `${HOME}/.ssh/id_ed25519`, acceptNewHostKeys: false },
        },
      ],
      replication: { user: 'replicator', slotNamePattern: 'standby_{node}' },
      archive: { dir: `${HOME}/wal-archive`, host: 'pg1' },
      backups: { dir: `${HOME}/base-backups` },
      thresholds: { ...DEFAULT_THRESHOLDS, lagBytesWarning: 1048576, lagSecondsCritical: 120 },
    });
  });

  it('fills in the defaults of a minimal file', () => {
    const config = parseConfig(
      dedent`
        cluster: demo
        nodes:
          - name: pg1
            host: 127.0.0.1
            dataDir: /srv/pg1
      `,
      'pgcockpit.yaml',
      { home: HOME },
    );
    expect(config).toStrictEqual({
      cluster: 'demo',
      nodes: [{ name: 'pg1', host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', dataDir: '/srv/pg1', osUser: 'postgres' }],
      replication: { user: 'replication', slotNamePattern: 'slot_{node}' },
      thresholds: DEFAULT_THRESHOLDS,
    });
  });

  it('leaves the archive on a node reached over ssh as written', () => {
    const config = parseConfig(
      dedent`
        cluster: demo
        nodes:
          - { name: pg1, host: 127.0.0.1, dataDir: ~/pg1 }
          - { name: pg2, host: 10.0.0.12, ssh: { host: db2 } }
        archive: { dir: ~/archive, host: pg2 }
      `,
      'pgcockpit.yaml',
      { home: HOME },
    );
    expect(config.nodes[0]?.dataDir).toBe(`${HOME}/pg1`);
    expect(config.archive).toEqual({ dir: '~/archive', host: 'pg2' });
  });
});

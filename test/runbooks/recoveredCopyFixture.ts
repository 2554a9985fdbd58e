import type { RecoveredCopy } from '../../src/services/runbooks/pitr/recoveredCopy.js';

/** A side-by-side PITR copy of a PostgreSQL 17 backup on pg1's host, port 5499: the follow-up plans' unit tests start from it. */
export const recoveredCopy: RecoveredCopy = {
  host: 'pg1',
  address: '127.0.0.1',
  port: 5499,
  dest: '/var/lib/pgsql/17/data.pgcockpit-pitr-20261130T120000Z',
  pgCtl: '/usr/pgsql-17/bin/pg_ctl',
  psql: '/usr/pgsql-17/bin/psql',
  loginNode: 'pg1',
  user: 'cockpit',
  database: 'app',
  major: 17,
  backupId: 'base-20261130T100000Z',
};

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNode } from '../../src/services/postgres/connectNode.js';
import { pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { prepareFailover } from '../../src/services/runbooks/failover/prepareFailover.js';
import type { SqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { createSqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

describe('no connect after confirmation: the failover runs on the sessions opened while its plan was shown', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster(3);
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('opens pg2 and pg3 (never the stopped pg1) while planning; pg_promote runs on a session the server started before the confirmation', async () => {
    await pgCtlStop({ pgBinDir: cluster.pgBinDir, dataDir: cluster.node('pg1').dataDir ?? '', runner: localRunner(cluster.osUser) }, 'fast');
    for (const standby of ['pg2', 'pg3']) {
      await waitFor(
        async () => (await cluster.query(standby, "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 0,
        `${standby} no longer streaming from the stopped pg1`,
      );
    }
    const connects: Array<{ node: string; at: number }> = [];
    const counted: typeof connectNode = async (node, config, options) => {
      connects.push({ node: node.name, at: performance.now() });
      return connectNode(node, config, options);
    };
    const opened = createSqlSessions(cluster.config, { readOnly: false, connect: counted });

    const plan = await prepareFailover(cluster.config, 'pg2', {}, { sessions: opened });
    expect(plan.blocked, plan.blockedReasons.join('; ')).toBe(false);
    expect(connects.map((c) => c.node).sort()).toEqual(['pg2', 'pg3']);
    const runbookSessions = await cluster.query<{ n: number }>('pg2', "select count(*)::int as n from pg_stat_activity where application_name = 'pgcockpit runbook'");
    expect(runbookSessions[0]?.n).toBe(1);

    // The DBA confirms.
    const confirmedAt = performance.now();
    const confirmedAtServer = Date.now();
    let promote: { connectsBefore: number; backendStart: Date } | undefined;
    // What executePlan is handed, watched: at the promote statement, which session runs it and how many connects came since the confirmation.
    const sessions: SqlSessions = {
      ...opened,
      async query<Row extends Record<string, unknown>>(node: string, text: string, options: { mutating: boolean; params?: unknown[] }) {
        if (text.includes('pg_promote') && !promote) {
          const [own] = await opened.query<{ backend_start: Date }>(node, 'select backend_start from pg_stat_activity where pid = pg_backend_pid()', { mutating: false });
          promote = { connectsBefore: connects.filter((c) => c.at > confirmedAt).length, backendStart: own!.backend_start };
        }
        return opened.query<Row>(node, text, options);
      },
    };
    try {
      const lines: string[] = [];
      const outcome = await executePlan(plan, { config: cluster.config, readOnly: false, sessions, log: (text) => lines.push(text) });
      expect(outcome.succeeded, lines.join('\n')).toBe(true);
    } finally {
      await opened.close();
    }
    expect(promote).toBeDefined();
    expect(promote!.connectsBefore).toBe(0);
    expect(promote!.backendStart.getTime()).toBeLessThan(confirmedAtServer);
    // The database: pg2 takes writes.
    expect((await cluster.query('pg2', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(false);
    // Closed afterwards: no runbook session is left on pg2.
    await waitFor(
      async () => (await cluster.query<{ n: number }>('pg2', "select count(*)::int as n from pg_stat_activity where application_name = 'pgcockpit runbook'"))[0]?.n === 0,
      'the runbook sessions to end',
    );
  });

  it('a refused plan holds no session', async () => {
    const connects: string[] = [];
    const counted: typeof connectNode = async (node, config, options): Promise<pg.Client> => {
      connects.push(node.name);
      return connectNode(node, config, options);
    };
    const sessions = createSqlSessions(cluster.config, { readOnly: false, connect: counted });
    try {
      // pg2 is the primary now: a failover to it is refused.
      const plan = await prepareFailover(cluster.config, 'pg2', {}, { sessions });
      expect(plan.blocked).toBe(true);
      const left = await cluster.query<{ n: number }>('pg2', "select count(*)::int as n from pg_stat_activity where application_name = 'pgcockpit runbook'");
      expect(left[0]?.n).toBe(0);
    } finally {
      await sessions.close();
    }
  });
});

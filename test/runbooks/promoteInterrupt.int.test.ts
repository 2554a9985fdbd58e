import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runCliInterrupted } from '../support/runCli.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import { expectStatusAlerts } from '../support/statusAlerts.js';

/**
 * SIGTERM during `pgcockpit promote pg2 --yes` (failover) on a real 3-node
 * cluster whose primary is stopped (needs `npm run build`): the promotion
 * finishes, the re-point of pg3 does not start; the output says pg2 is the
 * primary and lists what is left with its exact SQL, which, run as listed,
 * gets pg3 streaming from pg2.
 */
describe('pgcockpit promote interrupted by SIGTERM', () => {
  let cluster: TestCluster;
  const one = async (node: string, sql: string) => Object.values((await cluster.query(node, sql))[0] ?? {})[0];

  beforeAll(async () => {
    cluster = await startTestCluster(3);
    await pgCtlStop({ pgBinDir: cluster.pgBinDir, dataDir: cluster.node('pg1').dataDir ?? '', runner: localRunner(cluster.osUser) }, 'fast');
    for (const standby of ['pg2', 'pg3']) {
      await waitFor(async () => (await cluster.query(standby, "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 0, `${standby} not streaming`);
    }
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('stops after the promotion, says pg2 is the primary and what is left with its SQL, records it; the listed SQL completes it', async () => {
    const result = await runCliInterrupted(
      ['promote', 'pg2', '--yes', '--config', cluster.layout.configFile],
      { XDG_STATE_HOME: cluster.layout.root },
      /^step \d+\/\d+ on pg2: promote pg2/m,
      'SIGTERM',
    );
    const { stdout, stderr } = result;
    const output = `${stdout}\n${stderr}`;
    expect(result.signalled, output).toBe(true);
    expect(result.exitCode, output).toBe(1);
    const stopped = /^■ interrupted after step (\d+)\/(\d+): promote pg2 .*\(SIGTERM\); steps? \d+(?:\.\.\d+)? (?:were|was) not run$/m.exec(stdout);
    expect(stopped, output).not.toBeNull();
    expect(stdout).toMatch(/state left: pg2 is the primary on timeline 2 and takes writes; the standbys not yet re-pointed still follow pg1/);
    expect(stdout).toMatch(/pg1 must be rebuilt from pg2 before it rejoins/);
    expect(stdout).toMatch(/^ {2}\d+\/\d+ on pg3: re-point pg3 to pg2/m);
    expect(stderr).toMatch(/pgcockpit: failover interrupted by SIGTERM after step \d+\/\d+ \(promote pg2/);

    const journal = (await readFile(path.join(cluster.layout.root, 'pgcockpit', 'audit.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(journal.at(-1)).toMatchObject({ kind: 'outcome', outcome: 'interrupted', step: Number(stopped?.[1]), signal: 'SIGTERM' });

    // The servers as said: pg2 primary, pg3 still a standby of the stopped pg1.
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(false);
    expect(await one('pg3', 'select pg_is_in_recovery()')).toBe(true);
    expect(await one('pg3', "select count(*)::int from pg_stat_wal_receiver where status = 'streaming'")).toBe(0);

    // What is left, run as listed (statements on the node named), gets pg3 streaming from pg2.
    const left = stdout.slice(stdout.indexOf('  steps not run:'));
    let node = '';
    for (const line of left.split('\n')) {
      const header = /^ {2}\d+\/\d+ on (\S+): /.exec(line);
      if (header) node = header[1] ?? '';
      const statement = /^ {6}((?:select|alter|checkpoint).*)$/.exec(line)?.[1];
      if (statement && node) await cluster.query(node, statement);
    }
    await waitFor(async () => (await cluster.query('pg2', "select 1 from pg_stat_replication where state = 'streaming'")).length === 1, 'pg3 streaming from pg2', 60_000);
    await expectStatusAlerts(cluster.layout.configFile, ['node-down pg1']);
  });
});

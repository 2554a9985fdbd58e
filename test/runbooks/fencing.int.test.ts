import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverOsUser } from '../../src/services/os/osUser.js';
import { writeOwnedFile } from '../../src/services/os/ownedPath.js';
import { withNodeClient } from '../../src/services/postgres/connectNode.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { prepareFailover } from '../../src/services/runbooks/failover/prepareFailover.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { serviceCommand } from '../../src/services/runbooks/serviceControl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import { expectStatusAlerts } from '../support/statusAlerts.js';

/** pg1's server keeps running, but the cockpit's user is rejected by its pg_hba.conf: unreachable from here, alive on its host. */
describe('failover with the old primary alive on its host but unreachable from here: fencing', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster(3);
    const hbaFile = path.join(cluster.layout.dataDir('pg1'), 'pg_hba.conf');
    const hba = await readFile(hbaFile, 'utf8');
    // Replication connections (database "replication") do not match "all": pg2 and pg3 keep streaming.
    await writeOwnedFile(hbaFile, `host    all          postgres      127.0.0.1/32   reject\n${hba}`, await serverOsUser());
    const pid = Number((await readFile(path.join(cluster.layout.dataDir('pg1'), 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(pid, 'SIGHUP');
    await waitFor(
      async () => {
        try {
          await withNodeClient(cluster.node('pg1'), cluster.config, async (client) => client.query('select 1'));
          return false;
        } catch (error) {
          return /pg_hba\.conf rejects/.test(String(error));
        }
      },
      'pg1 rejecting the cockpit',
    );
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  const pgCtlStatus = async () => (await localRunner(cluster.osUser).run(serviceCommand(cluster.node('pg1'), 'status'))).exitCode;

  it('without fence: pg1 still runs on its host, so it is alive: refused, offering the fence, nothing changed', async () => {
    expect(await pgCtlStatus()).toBe(0);
    const plan = await prepareFailover(cluster.config, 'pg2');
    const text = formatPlan(plan);
    expect(plan.blocked, text).toBe(true);
    expect(text).toMatch(/✗ pg1 is gone \(it must not stay a primary beside the new one\): pg1 is alive: .*its host says its server runs \(pg_ctl: server is running/);
    expect(text).toContain('--fence (Ctrl-F in the cockpit)');
    expect(plan.fenceOffer).toEqual(['pg1']);
    expect(plan.steps).toEqual([]);
  });

  it('with fence: stops pg1 first through its runner, then promotes pg2 and re-points pg3 to it', async () => {
    const plan = await prepareFailover(cluster.config, 'pg2', { fence: true, streamTimeoutMs: 30_000 });
    const text = formatPlan(plan);
    expect(plan.blocked, text).toBe(false);
    expect(plan.checks).toContainEqual(expect.objectContaining({ status: 'ok', observed: expect.stringContaining('it will be stopped first on its host (fence)') }));
    expect(text).toMatch(/✓ pg1's data directory .* is pg1's: port \d+ \(postmaster\.pid\)/);
    expect(plan.steps[0]).toMatchObject({ node: 'pg1', description: "stop pg1's server (fence)", mutating: true });
    expect(plan.steps[0]?.detail).toBe(`${cluster.pgBinDir}/pg_ctl -D ${cluster.layout.dataDir('pg1')} -m fast -w -t 300 stop`);

    const lines: string[] = [];
    const runners = createNodeRunners(cluster.config, { readOnly: false });
    try {
      const outcome = await executePlan(plan, { config: cluster.config, readOnly: false, log: (line) => lines.push(line), runners });
      expect(outcome.succeeded, lines.join('\n')).toBe(true);
    } finally {
      await runners.close();
    }
    const log = lines.join('\n');
    expect(log).toMatch(/step 1\/\d+ on pg1: stop pg1's server \(fence\)/);
    expect(log).toContain("pg1's server is stopped: it cannot come back as a second primary");

    // pg1's postmaster is gone.
    expect(await pgCtlStatus()).toBe(3);
    // pg2 is the primary, pg3 streams from it.
    expect((await cluster.query('pg2', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(false);
    await cluster.query('pg2', 'create table after_fence (id int)');
    const [receiver] = await cluster.query<{ status: string; sender_port: number }>('pg3', 'select status, sender_port from pg_stat_wal_receiver');
    expect(receiver).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg2').port });
    await waitFor(async () => (await cluster.query('pg3', "select 1 from pg_class where relname = 'after_fence'")).length === 1, 'the new table on pg3');
    expect(plan.run.needsRebuild).toEqual(['pg1']);
    // Afterwards: pg1 stopped awaiting its rebuild, nothing else wrong.
    await expectStatusAlerts(cluster.layout.configFile, ['node-down pg1']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { prepareFailover } from '../../src/services/runbooks/failover/prepareFailover.js';
import { runCli } from '../support/runCli.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import type { WriteLoad } from './writeLoad.js';
import { startWriteLoad } from './writeLoad.js';

/** Refusals on a healthy cluster under a write load: each names its reason and changes nothing. */
describe('promote refusals with the primary up', () => {
  let cluster: TestCluster;
  let load: WriteLoad;
  const promote = (...args: string[]) => runCli(['promote', ...args, '--config', cluster.layout.configFile], { XDG_STATE_HOME: cluster.layout.root });
  const inRecovery = async (node: string) => (await cluster.query(node, 'select pg_is_in_recovery() as r'))[0]?.r as boolean;

  beforeAll(async () => {
    cluster = await startTestCluster(3);
    load = await startWriteLoad(cluster, 'pg1');
  });
  afterAll(async () => {
    await load?.stop();
    await cluster?.destroy();
  });

  it('refuses to promote the primary', async () => {
    const result = await promote('pg1', '--yes');
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('✗ pg1 is a reachable standby: pg1 is a primary already');
    expect(result.stderr).toMatch(/refused, nothing was changed: .*pg1 is a primary already/);
    expect(await inRecovery('pg1')).toBe(false);
  });

  it('refuses a failover while pg1 is up and writable, pointing at switchover, and leaves pg2 a standby', async () => {
    const result = await promote('pg2', '--yes');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/pg1 is up and writable .*use switchover/);
    expect(result.stdout).not.toContain('step 1/');
    expect(await inRecovery('pg2')).toBe(true);
    // The same refusal in-process: the plan has no steps and executePlan will not run it.
    const plan = await prepareFailover(cluster.config, 'pg2');
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
    await expect(executePlan(plan, { config: cluster.config, readOnly: false, log: () => undefined })).rejects.toThrow(/split-brain guard/);
    expect(await inRecovery('pg2')).toBe(true);
    const [slots] = await cluster.query<{ n: string }>('pg2', 'select count(*) as n from pg_replication_slots');
    expect(slots?.n).toBe('0');
  });

  it('refuses an unknown node name', async () => {
    const result = await promote('pg9', '--dry-run');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no node named "pg9" (nodes: pg1, pg2, pg3)');
  });

  it('refuses --dry-run with --yes as a usage error', async () => {
    const result = await promote('pg2', '--dry-run', '--yes');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('not both');
  });

  it('kept the write load running through all of it', async () => {
    const before = load.acknowledged.length;
    await waitFor(() => load.acknowledged.length > before + 20, 'more acknowledged rows', 10_000, 5);
    expect(await inRecovery('pg1')).toBe(false);
  });
});

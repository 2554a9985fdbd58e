import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { commandLine } from '../../src/services/os/shellQuote.js';
import { controlDataCommand, serviceCommand } from '../../src/services/runbooks/serviceControl.js';
import { parseControlData } from '../../src/services/runbooks/switchover/controlData.js';
import { prepareSwitchover } from '../../src/services/runbooks/switchover/prepareSwitchover.js';
import { runChecked } from '../../src/services/runner/runChecked.js';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { ReadOnlyError } from '../../src/services/runner/runner.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

/** The switchover's no-loss guard: a target that cannot replay the old primary's last WAL is never promoted. */
describe('switchover stopping before the promotion', () => {
  let cluster: TestCluster;
  let runners: NodeRunners;
  const one = async (node: string, sql: string) => Object.values((await cluster.query(node, sql))[0] ?? {})[0];

  beforeAll(async () => {
    cluster = await startTestCluster(2);
    runners = createNodeRunners(cluster.config, { readOnly: false });
    await cluster.query('pg1', 'create table guarded (id int)');
    await cluster.query('pg1', 'insert into guarded select generate_series(1, 100)');
  });
  afterAll(async () => {
    await runners?.close();
    await cluster?.destroy();
  });

  it('in read-only mode refuses before anything runs', async () => {
    const plan = await prepareSwitchover(cluster.config, 'pg2');
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    const lines: string[] = [];
    await expect(executePlan(plan, { config: cluster.config, readOnly: true, log: (text) => lines.push(text), runners })).rejects.toBeInstanceOf(ReadOnlyError);
    expect(lines).toEqual([]);
    expect(await one('pg1', 'select pg_is_in_recovery()')).toBe(false);
  });

  it('leaves the old primary stopped and intact, the target unpromoted, and says how to restart it', async () => {
    const plan = await prepareSwitchover(cluster.config, 'pg2', { replayTimeoutMs: 1500 });
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    // Replay stops after the plan was made: pg2 receives pg1's shutdown checkpoint but cannot apply it.
    await cluster.query('pg2', 'select pg_wal_replay_pause()');
    await waitFor(async () => (await one('pg2', 'select pg_get_wal_replay_pause_state()')) === 'paused', 'replay paused on pg2');
    await cluster.query('pg1', 'insert into guarded select generate_series(101, 200)');

    const lines: string[] = [];
    const outcome = await executePlan(plan, { config: cluster.config, readOnly: false, log: (text) => lines.push(text), runners });
    expect(outcome.succeeded, lines.join('\n')).toBe(false);
    expect(outcome.failedStep?.number).toBe(4);
    const start = commandLine(serviceCommand(cluster.node('pg1'), 'start'));
    expect(outcome.failedStep?.error).toMatch(/pg2 has not replayed pg1's shutdown checkpoint [0-9A-F]+\/[0-9A-F]+ after 1\.5 s .*promoting it would lose transactions, so it was not promoted/);
    expect(outcome.failedStep?.error).toContain(`pg1 is left stopped and is still the primary of the cluster (nothing was promoted); to give it its role back, start it: ${start}`);
    expect(lines.join('\n')).toContain('steps 5..9 were not run');
    expect(lines.join('\n')).not.toContain('nonce');

    // pg2 is still a standby; pg1 is cleanly shut down, with no standby.signal written.
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(true);
    const control = parseControlData((await runChecked(runners.forNode('pg1'), controlDataCommand(cluster.node('pg1')))).stdout);
    expect(control.clusterState).toBe('shut down');

    // The advised command brings pg1 back as the primary; pg2 resumes and has every row.
    await runChecked(runners.forNode('pg1'), serviceCommand(cluster.node('pg1'), 'start'));
    expect(await one('pg1', 'select pg_is_in_recovery()')).toBe(false);
    await cluster.query('pg2', 'select pg_wal_replay_resume()');
    await waitFor(async () => Number(await one('pg2', 'select count(*) from guarded')) === 200, 'all 200 rows on pg2', 20_000);
    await waitFor(async () => (await cluster.query('pg2', "select 1 from pg_stat_wal_receiver where status = 'streaming'")).length === 1, 'pg2 streaming from pg1 again', 20_000);
  });
});

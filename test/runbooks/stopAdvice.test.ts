import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { remainingSteps, stoppedAdvice } from '../../src/services/runbooks/stoppedAdvice.js';
import { adviseFailoverStops } from '../../src/services/runbooks/failover/failoverStopAdvice.js';
import type { FailoverRun } from '../../src/services/runbooks/failover/failoverSteps.js';
import { checkpointStep, fenceStep, markRebuildStep, promoteStep } from '../../src/services/runbooks/failover/failoverSteps.js';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';
import type { SqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { adviseSwitchoverStops } from '../../src/services/runbooks/switchover/switchoverStopAdvice.js';
import type { SwitchoverRun } from '../../src/services/runbooks/switchover/switchoverSteps.js';
import { stopStep } from '../../src/services/runbooks/switchover/switchoverSteps.js';

const config = configSchema.parse({
  cluster: 't',
  nodes: ['pg1', 'pg2', 'pg3'].map((name, index) => ({ name, host: '127.0.0.1', port: 5432 + index, dataDir: `/srv/${name}/data`, pgBinDir: '/usr/lib/postgresql/15/bin' })),
});
const node = (name: string) => config.nodes.find((candidate) => candidate.name === name)!;
const fake = (nodeName: string, description: string, detail = `select '${description}'`): PlanStep => ({ node: nodeName, description, detail, mutating: true, run: async () => undefined });
const planOf = (steps: PlanStep[]): Plan => ({ title: 't', target: 'pg2', checks: [], steps, blocked: false, blockedReasons: [], confirmWord: 'pg2', warnings: [] });

describe('what a stopped switchover leaves, step by step', () => {
  const run: SwitchoverRun = { promotion: { needsRebuild: [] } };
  const steps = adviseSwitchoverStops(
    [
      checkpointStep(node('pg1')),
      stopStep(node('pg1')),
      fake('pg1', "read pg1's shutdown checkpoint LSN"),
      fake('pg2', 'wait until pg2 has replayed'),
      promoteStep(node('pg2'), { oldPrimary: 'pg1', lastKnownPrimaryLsn: null, timeoutMs: 60_000 }, run.promotion),
      checkpointStep(node('pg2')),
      fake('pg3', 're-point pg3 to pg2 and wait until it streams', "alter system set primary_conninfo = 'host=127.0.0.1 port=5433 password=s3cret'\nselect pg_reload_conf()"),
      fake('pg1', 'make pg1 a standby of pg2, start it and wait until it streams'),
    ],
    { oldPrimary: node('pg1'), target: node('pg2'), run },
  );
  const plan = planOf(steps);

  it('before the stop: nothing changed, plan again', () => {
    expect(stoppedAdvice(plan, 0)).toBe('nothing was changed');
    expect(stoppedAdvice(plan, 1)).toBe('nothing was changed: pg1 is still the primary and every standby still streams from it; to switch over, run pgcockpit switchover --to pg2 again');
  });

  it('stopped, not promoted: the exact start command gives pg1 its role back', () => {
    run.shutdownCheckpointLsn = '0/5000028';
    for (const completed of [2, 3, 4]) {
      expect(stoppedAdvice(plan, completed)).toBe(
        'pg1 is stopped (cleanly, shutdown checkpoint 0/5000028) and is still the primary of the cluster: nothing was promoted, pg2 and the other standbys are standbys of it, waiting for it. ' +
          'To reverse, start it (as postgres on this machine): /usr/lib/postgresql/15/bin/pg_ctl -D /srv/pg1/data -l /srv/pg1/server.log -w -t 120 start ; the standbys reconnect by themselves. Then pgcockpit switchover --to pg2 to try again',
      );
    }
  });

  it('promoted: pg2 takes writes, pg1 must not start as it is, the steps left are listed (masked), then switch back', () => {
    run.promotion.timeline = 2;
    for (const completed of [5, 6, 7]) {
      const advice = stoppedAdvice(plan, completed);
      expect(advice).toMatch(/^pg2 is the primary on timeline 2 and takes writes; pg1 is stopped and must NOT be started as it is \(it would be a second primary\)\. To complete, carry out the steps not run below in order/);
      expect(advice).toContain('Once pg1 streams from pg2, pgcockpit switchover --to pg1 switches back');
    }
    expect(remainingSteps(plan, 6)).toEqual([
      '  7/8 on pg3: re-point pg3 to pg2 and wait until it streams',
      "      alter system set primary_conninfo = 'host=127.0.0.1 port=5433 password=********'",
      '      select pg_reload_conf()',
      '  8/8 on pg1: make pg1 a standby of pg2, start it and wait until it streams',
      "      select 'make pg1 a standby of pg2, start it and wait until it streams'",
    ]);
  });

  it('the last step has none: a plan that ran it is done', () => {
    expect(steps.at(-1)?.ifStoppedAfter).toBeUndefined();
  });
});

describe('what a stopped failover leaves', () => {
  it('before the promotion: planned again (a fence that ran keeps pg1 stopped); after it: pg2 is the primary, the re-points are left, pg1 needs a rebuild', async () => {
    const run: FailoverRun = { needsRebuild: [] };
    const steps = adviseFailoverStops(
      [
        fenceStep(node('pg1')),
        promoteStep(node('pg2'), { oldPrimary: 'pg1', lastKnownPrimaryLsn: null, timeoutMs: 60_000 }, run),
        checkpointStep(node('pg2')),
        fake('pg3', 're-point pg3 to pg2 and wait until it streams'),
        markRebuildStep('pg1', 'pg2', run),
      ],
      { target: 'pg2', oldPrimary: 'pg1', run },
    );
    const plan = planOf(steps);
    expect(stoppedAdvice(plan, 1)).toBe("pg2 was not promoted: it is still a standby and pg1's server is stopped (fenced); to fail over, run pgcockpit promote pg2 again");
    run.timeline = 3;
    expect(stoppedAdvice(plan, 2)).toMatch(/^pg2 is the primary on timeline 3 and takes writes; the standbys not yet re-pointed still follow pg1 and receive nothing\. To complete, carry out the steps not run below in order .*pg1 must be rebuilt from pg2 before it rejoins: do not start it as it is$/);

    // Through executePlan: a stop asked for during the promotion ends after it, with that advice.
    const interruption = new AbortController();
    const lines: string[] = [];
    const sessions: SqlSessions = { query: async () => [], reset: async () => undefined, close: async () => undefined };
    const quick: Plan = planOf([
      { ...fake('pg2', 'promote pg2'), ifStoppedAfter: steps[1]?.ifStoppedAfter, run: async () => void interruption.abort('SIGTERM') },
      fake('pg3', 're-point pg3 to pg2 and wait until it streams'),
    ]);
    const outcome = await executePlan(quick, { config, readOnly: false, log: (text) => lines.push(text), sessions, interruption: interruption.signal });
    expect(outcome.interrupted).toEqual({ afterStep: 1, signal: 'SIGTERM' });
    expect(lines).toContain('■ interrupted after step 1/2: promote pg2 (SIGTERM); step 2 was not run');
    expect(lines.find((line) => line.startsWith('  state left: '))).toMatch(/pg2 is the primary on timeline 3/);
  });
});

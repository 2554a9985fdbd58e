import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { prepareSwitchover } from '../../src/services/runbooks/switchover/prepareSwitchover.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { testSshEnvironment } from '../ssh/sshTestEnv.js';
import { expectStatusAlerts } from '../support/statusAlerts.js';

/** The old primary's stop, pg_controldata, standby.signal, conninfo and start all go through ssh + sudo to its osUser (real sshd). */
describe('switchover with the old primary reached over ssh and its own service commands', () => {
  let cluster: TestCluster;
  let sshd: TestSshd;
  let home: string;

  beforeAll(async () => {
    [cluster, sshd, home] = await Promise.all([startTestCluster(2), startSshd(), scratchHome()]);
  });
  afterAll(async () => {
    await cluster?.destroy();
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it('switches pg2 and pg1 over, pg1 streaming from pg2 afterwards', async () => {
    const config: CockpitConfig = {
      ...cluster.config,
      nodes: cluster.config.nodes.map((node) =>
        node.name === 'pg1'
          ? {
              ...node,
              ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile, acceptNewHostKeys: false },
              service: { stop: ['{pgBinDir}/pg_ctl', '--pgdata={dataDir}', '--mode=fast', '--wait', 'stop'] },
            }
          : node,
      ),
    };
    const env = testSshEnvironment(home);
    await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
    const runners = createNodeRunners(config, { readOnly: false, sshEnvironment: env });
    try {
      await cluster.query('pg1', 'create table marks (id int)');
      await cluster.query('pg1', 'insert into marks select generate_series(1, 50)');
      const atStart = sshActivity(sshd.log());
      // The pre-flight reaches pg1's host (pg_controldata, a replication login) through the same ssh runners.
      const plan = await prepareSwitchover(config, 'pg2', { streamTimeoutMs: 30_000 }, { runners });
      const planText = formatPlan(plan);
      expect(plan.blocked, planText).toBe(false);
      expect(planText).toContain(`${cluster.pgBinDir}/pg_ctl --pgdata=${cluster.layout.dataDir('pg1')} --mode=fast --wait stop`);

      const lines: string[] = [];
      const before = sshActivity(sshd.log());
      const outcome = await executePlan(plan, { config, readOnly: false, log: (text) => lines.push(text), runners });
      expect(outcome.succeeded, lines.join('\n')).toBe(true);
      // The old primary's steps went through this sshd: root logged in (once, the connection is pooled from the
      // pre-flight on) and ran commands during the switchover itself.
      const after = sshActivity(sshd.log());
      expect(after.logins, sshd.log()).toBeGreaterThan(atStart.logins);
      expect(after.commands, sshd.log()).toBeGreaterThan(before.commands);
      expect(plan.run.promotion.timeline).toBe(2);
      expect((await cluster.query('pg2', 'select count(*)::int as n from marks'))[0]?.n).toBe(50);
      const [receiver] = await cluster.query<{ status: string; sender_port: number }>('pg1', 'select status, sender_port from pg_stat_wal_receiver');
      expect(receiver).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg2').port });
      expect(await cluster.query('pg2', "select application_name from pg_stat_replication where state = 'streaming'")).toEqual([{ application_name: 'pg1' }]);
      // Files written over ssh belong to the server's OS user, not root.
      const stat = await fs.stat(`${cluster.layout.dataDir('pg1')}/standby.signal`);
      expect(stat.uid).toBe(cluster.osUser.uid);
      await expectStatusAlerts(cluster.layout.configFile, []);

      // And back: pg1 (over ssh) the primary again, pg2 streaming from it, status healthy.
      const back = await prepareSwitchover(config, 'pg1', { streamTimeoutMs: 30_000 }, { runners });
      expect(back.blocked, formatPlan(back)).toBe(false);
      const backLines: string[] = [];
      const backOutcome = await executePlan(back, { config, readOnly: false, log: (text) => backLines.push(text), runners });
      expect(backOutcome.succeeded, backLines.join('\n')).toBe(true);
      expect((await cluster.query('pg1', 'select pg_is_in_recovery() as r'))[0]?.r).toBe(false);
      expect((await cluster.query('pg1', 'select count(*)::int as n from marks'))[0]?.n).toBe(50);
      const [back2] = await cluster.query<{ status: string; sender_port: number }>('pg2', 'select status, sender_port from pg_stat_wal_receiver');
      expect(back2).toMatchObject({ status: 'streaming', sender_port: cluster.node('pg1').port });
      await expectStatusAlerts(cluster.layout.configFile, []);
    } finally {
      await runners.close();
    }
  }, 120_000);
});

/** Logins and commands sshd logged so far (LogLevel VERBOSE: one "Accepted publickey" per login, one "Starting session: command" per command). */
function sshActivity(log: string): { logins: number; commands: number } {
  return {
    logins: log.match(/Accepted publickey for root from 127\.0\.0\.1/g)?.length ?? 0,
    commands: log.match(/Starting session: command for root from 127\.0\.0\.1/g)?.length ?? 0,
  };
}

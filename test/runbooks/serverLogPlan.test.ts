import { describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { configSchema, DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { commandLine } from '../../src/services/os/shellQuote.js';
import type { ServerLogPlace } from '../../src/services/postgres/serverLogPlace.js';
import type { FailoverFacts, NodeExtras } from '../../src/services/runbooks/failover/failoverFacts.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { serviceCommand, withServerLog } from '../../src/services/runbooks/serviceControl.js';
import { planSwitchover } from '../../src/services/runbooks/switchover/planSwitchover.js';
import { healthyCluster, hostFor, NOW, withServer } from '../support/snapshots.js';

/** Issue 10, point 8: a server pgcockpit starts again logs where it logged before, and the plan says where. */
const config = configSchema.parse({
  cluster: 'test',
  nodes: ['pg1', 'pg2', 'pg3'].map((name) => ({ name, host: hostFor(name), dataDir: `/data/${name}`, pgBinDir: '/usr/lib/postgresql/16/bin' })),
});
const SYSTEM = '7711654492489296641';
const extras = (primaryConninfo: string, readOnly: boolean): NodeExtras => ({ primaryConninfo, transactionReadOnly: readOnly, recoveryTargetTimeline: 'latest', primarySlotName: '', systemIdentifier: SYSTEM });

function facts(serverLogs?: Record<string, ServerLogPlace>): FailoverFacts {
  const settings = { max_wal_senders: '10', max_replication_slots: '10' };
  return {
    view: buildClusterView(healthyCluster().map((node) => withServer(node, { settings })), DEFAULT_THRESHOLDS, NOW),
    extras: {
      pg1: extras('', false),
      pg2: extras(`user=replication host=${hostFor('pg1')} port=5432`, true),
      pg3: extras(`user=replication host=${hostFor('pg1')} port=5432`, true),
    },
    ...(serverLogs ? { serverLogs } : {}),
  };
}

describe("pg_ctl's -l: where a server pgcockpit starts logs", () => {
  const node = config.nodes[0]!;

  it('nodes[].serverLog in the config names it; without it, <parent of dataDir>/server.log', () => {
    expect(commandLine(serviceCommand(node, 'start'))).toBe('/usr/lib/postgresql/16/bin/pg_ctl -D /data/pg1 -l /data/server.log -w -t 120 start');
    const configured = { ...node, serverLog: '/var/log/postgresql/pg1.log' };
    expect(commandLine(serviceCommand(configured, 'start'))).toBe('/usr/lib/postgresql/16/bin/pg_ctl -D /data/pg1 -l /var/log/postgresql/pg1.log -w -t 120 start');
    expect(commandLine(serviceCommand(configured, 'restart'))).toBe(
      '/usr/lib/postgresql/16/bin/pg_ctl -D /data/pg1 -l /var/log/postgresql/pg1.log -m fast -w -t 120 restart',
    );
    // A node whose own service starts it: its command, as configured.
    expect(commandLine(serviceCommand({ ...configured, service: { start: ['systemctl', 'start', 'postgresql'] } }, 'start'))).toBe('systemctl start postgresql');
  });

  it('a place learned from the host replaces the default, not a node of its own', () => {
    const learned: ServerLogPlace = { file: '/srv/log/pg1/startup.log', source: 'logging_collector is on', collectorDir: '/srv/log/pg1' };
    expect(withServerLog(node, learned).serverLog).toBe('/srv/log/pg1/startup.log');
    expect(withServerLog(node, undefined)).toBe(node);
  });

  it("the switchover's rejoin, its restart advice and the plan's check all use where the old primary logs", () => {
    const place: ServerLogPlace = {
      file: '/srv/log/pg1/startup.log',
      source: 'logging_collector is on: its log stays in /srv/log/pg1 (log_directory); -l gets only the lines before the collector starts',
      collectorDir: '/srv/log/pg1',
    };
    const plan = planSwitchover(config, facts({ pg1: place }), 'pg2');
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    const text = formatPlan(plan);
    expect(text).toContain(`✓ pg1 logs where it did once started again: pg_ctl -l /srv/log/pg1/startup.log: logging_collector is on: its log stays in /srv/log/pg1`);
    const rejoin = plan.steps.find((step) => step.description.startsWith('make pg1 a standby'));
    expect(rejoin?.detail).toContain('/usr/lib/postgresql/16/bin/pg_ctl -D /data/pg1 -l /srv/log/pg1/startup.log -w -t 120 start');
    expect(plan.warnings.join('\n')).toContain('-l /srv/log/pg1/startup.log');
    expect(text).not.toContain('/data/server.log');
    const stopped = plan.steps.findIndex((step) => step.description.startsWith('stop pg1'));
    expect(plan.steps[stopped]?.ifStoppedAfter?.()).toContain('-l /srv/log/pg1/startup.log');
  });

  it('not asked (the first look, or a dry run without hosts): the default, and no check line', () => {
    const plan = planSwitchover(config, facts(), 'pg2');
    expect(plan.checks.some((check) => check.label.includes('logs where it did'))).toBe(false);
    expect(plan.steps.find((step) => step.description.startsWith('make pg1 a standby'))?.detail).toContain('-l /data/server.log');
  });
});

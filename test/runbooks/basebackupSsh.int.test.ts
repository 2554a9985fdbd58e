import { execa } from 'execa';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBaseBackups } from '../../src/services/backups/baseBackupCatalog.js';
import type { CockpitConfig } from '../../src/services/config/schema.js';
import { prepareBaseBackup } from '../../src/services/runbooks/basebackup/prepareBaseBackup.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { planEventLines } from '../../src/services/runbooks/planEvents.js';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import type { TestSshd } from '../support/sshd.js';
import { scratchHome, startSshd } from '../support/sshd.js';
import { testSshEnvironment } from '../ssh/sshTestEnv.js';

/**
 * A base backup written on backups.host reached over ssh (a real sshd on
 * loopback, logging in as root and going to the OS user with sudo, as a DBA's
 * jump host does): pg_basebackup and every catalog write run there, as the
 * OS user, and the catalog is read back through the same runner.
 */
describe('base backup on backups.host over ssh', () => {
  let hand: HandBuiltCluster;
  let sshd: TestSshd;
  let home: string;
  let config: CockpitConfig;
  let runners: NodeRunners;
  let backupsDir: string;

  beforeAll(async () => {
    [hand, sshd, home] = await Promise.all([startHandBuiltCluster({ standbys: 1 }), startSshd(), scratchHome()]);
    backupsDir = path.join(hand.root, 'backups');
    config = {
      ...hand.config,
      nodes: hand.config.nodes.map((node) => (node.name === 'pg2' ? { ...node, ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', identityFile: sshd.clientKeyFile, acceptNewHostKeys: false } } : node)),
      backups: { dir: backupsDir, host: 'pg2' },
    };
    const env = testSshEnvironment(home);
    await fs.writeFile(env.userKnownHostsFiles[0] ?? '', `${sshd.knownHostsLine}\n`);
    runners = createNodeRunners(config, { readOnly: false, sshEnvironment: env });
  }, 120_000);
  afterAll(async () => {
    await runners?.close();
    await hand?.destroy();
    await sshd?.stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  });

  it("backs up pg1 on pg2's host through ssh as the OS user; the catalog entry is read back through the same runner", async () => {
    const plan = await prepareBaseBackup(config, 'pg1', {}, { runners });
    expect(plan.blocked, formatPlan(plan)).toBe(false);
    expect(plan.host).toBe('pg2');
    expect(plan.checks.find((check) => check.label === 'where pg_basebackup runs')?.observed).toBe(`backups.host is pg2: on its host (ssh 127.0.0.1) as ${hand.osUser.name}`);
    const events: PlanEvent[] = [];
    const outcome = await executePlan(plan, { config, readOnly: false, runners, onEvent: (event) => events.push(event) });
    const lines = events.flatMap(planEventLines).join('\n');
    expect(outcome.succeeded, lines).toBe(true);
    const jobs = events.flatMap((event) => (event.type === 'job-started' ? [event.job] : []));
    expect(jobs.length).toBeGreaterThan(3);
    expect(jobs.every((job) => job.where.startsWith('ssh root@127.0.0.1')), jobs.map((job) => job.where).join('\n')).toBe(true);
    for (const secret of [hand.replicationPassword, hand.superuserPassword]) expect(lines).not.toContain(secret);

    const listing = await listBaseBackups(runners.forNode('pg2'), backupsDir, config.cluster);
    expect(listing.problems).toEqual([]);
    expect(listing.entries).toHaveLength(1);
    const [entry] = listing.entries;
    expect(entry).toMatchObject({ id: plan.id, host: 'pg2', node: 'pg1', osUser: hand.osUser.name, status: 'complete', timeline: 1, manifest: true });
    expect(entry!.verifiedAt).toBeDefined();
    const notOwned = await execa('find', [path.dirname(entry!.path), '!', '-user', hand.osUser.name, '-print'], { reject: false });
    expect(String(notOwned.stdout)).toBe('');
  }, 120_000);
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliInterrupted } from '../support/runCli.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';

/**
 * A cluster built by hand (pg_basebackup -R with PGPASSWORD: the replication
 * password sits in each standby's primary_conninfo): no output, plan,
 * dry run, JSON, step log or journal line pgcockpit writes holds it
 * (needs `npm run build`).
 */
describe('the replication password in primary_conninfo is never shown or recorded', () => {
  let cluster: HandBuiltCluster;
  const env = () => ({ XDG_STATE_HOME: cluster.root });
  const cli = (...args: string[]) => runCli([...args, '--config', cluster.configFile], env());
  const journal = () => readFile(path.join(cluster.root, 'pgcockpit', 'audit.jsonl'), 'utf8').catch(() => '');

  beforeAll(async () => {
    cluster = await startHandBuiltCluster();
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('status --json reads password=********; dry runs, the journal and pgcockpit log never hold the password', async () => {
    const [conninfo] = await cluster.superQuery<{ primary_conninfo: string }>('pg2', 'select current_setting($1) as primary_conninfo', ['primary_conninfo']);
    expect(conninfo?.primary_conninfo).toContain(cluster.replicationPassword);

    const status = await cli('status', '--json');
    expect(status.stdout).not.toContain(cluster.replicationPassword);
    expect(status.stdout).toContain('password=********');

    for (const args of [['switchover', '--to', 'pg2', '--dry-run'], ['promote', 'pg2', '--dry-run'], ['switchover', '--to', 'pg3', '--dry-run']]) {
      const result = await cli(...args);
      expect(`${result.stdout}\n${result.stderr}`, args.join(' ')).not.toContain(cluster.replicationPassword);
      expect(result.stdout, args.join(' ')).toMatch(/pre-flight checks:/);
    }
    const written = await journal();
    expect(written).toContain('(dry run)');
    expect(written).not.toContain(cluster.replicationPassword);
    for (const args of [['log'], ['log', '--json']]) {
      const log = await runCli(args, env());
      expect(log.exitCode).toBe(0);
      expect(log.stdout).not.toContain(cluster.replicationPassword);
    }
  });

  it('an interrupted switchover prints and records no password either, and says where it stopped', async () => {
    const result = await runCliInterrupted(['switchover', '--to', 'pg2', '--yes', '--config', cluster.configFile], env(), /^step 2\//m, 'SIGINT');
    const { stdout } = result;
    const output = `${stdout}\n${result.stderr}`;
    expect(result.signalled, output).toBe(true);
    expect(result.exitCode, output).toBe(1);
    expect(stdout).toMatch(/^■ interrupted after step 2\/\d+: stop pg1 cleanly/m);
    expect(output).not.toContain(cluster.replicationPassword);
    expect(await journal()).not.toContain(cluster.replicationPassword);
    expect(await journal()).toContain('"outcome":"interrupted"');
  });
});

import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { runChecked } from '../../src/services/runner/runChecked.js';
import { CLI, runCliInterrupted } from '../support/runCli.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';
import { expectStatusAlerts } from '../support/statusAlerts.js';

/**
 * Ctrl-C during `pgcockpit switchover --yes` on a real 3-node cluster (needs
 * `npm run build`): the step running finishes, no later step starts, and the
 * output, the journal and the servers agree on the state left; the printed
 * command gives the old primary its role back.
 */
describe('pgcockpit switchover interrupted by SIGINT', () => {
  let cluster: TestCluster;
  let runners: NodeRunners;
  const one = async (node: string, sql: string) => Object.values((await cluster.query(node, sql))[0] ?? {})[0];
  const streamingFrom = async (node: string) =>
    (await cluster.query<{ application_name: string }>(node, "select application_name from pg_stat_replication where state = 'streaming' order by 1")).map(
      (row) => row.application_name,
    );

  /** Runs `pgcockpit switchover --to pg2 --yes`, sending `signal` once a stdout line matches `when`. */
  const interruptedSwitchover = (when: RegExp, signal: NodeJS.Signals) =>
    runCliInterrupted(['switchover', '--to', 'pg2', '--yes', '--config', cluster.layout.configFile], { XDG_STATE_HOME: cluster.layout.root }, when, signal);

  beforeAll(async () => {
    cluster = await startTestCluster(3);
    runners = createNodeRunners(cluster.config, { readOnly: false });
    await cluster.query('pg1', 'create table kept (id int)');
    await cluster.query('pg1', 'insert into kept select generate_series(1, 100)');
    await waitFor(async () => (await streamingFrom('pg1')).length === 2, 'pg2 and pg3 streaming from pg1');
  });
  afterAll(async () => {
    await runners?.close();
    await cluster?.destroy();
  });

  it('stops after step 2 (pg1 stopped, nothing promoted), says so and how to reverse it, records it; the printed command restores the cluster', async () => {
    const child = execa('node', [CLI, 'switchover', '--to', 'pg2', '--yes', '--config', cluster.layout.configFile], {
      reject: false,
      env: { XDG_STATE_HOME: cluster.layout.root },
      stdin: 'ignore',
      buffer: true,
    });
    let stdout = '';
    let signalled = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // "step 2/" is printed as step 2 (the clean stop of pg1) starts: the signal comes while it runs.
      if (!signalled && /^step 2\//m.test(stdout)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    // A second Ctrl-C as soon as the first is acknowledged: it only says what is finishing, never kills the step or the process.
    let secondSent = false;
    let early = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      early += chunk.toString();
      if (!secondSent && early.includes('SIGINT: stopping the switchover')) {
        secondSent = true;
        child.kill('SIGINT');
      }
    });
    const result = await child;
    const stderr = String(result.stderr);
    const output = `${stdout}\n${stderr}`;
    expect(signalled, output).toBe(true);
    expect(result.exitCode, output).toBe(1);

    // Where it stopped, the state left, and the exact command that reverses it.
    expect(stdout).toMatch(/^step 2\/\d+ ✓ pg1 stopped/m);
    expect(stdout).toMatch(/^■ interrupted after step 2\/(\d+): stop pg1 cleanly .* \(SIGINT\); steps 3\.\.\1 were not run$/m);
    expect(stdout).not.toMatch(/^step 3\/\d+ on /m);
    expect(stderr).toMatch(/SIGINT: stopping the switchover after step 2\/\d+ \(stop pg1 cleanly/);
    expect(secondSent).toBe(true);
    expect(stderr).toMatch(/SIGINT again: (still finishing step 2\/\d+ \(stop pg1 cleanly.*it may take up to 5 min.*it is not abandoned halfway|the switchover is stopping)/);
    expect(result.signal, output).toBeUndefined();
    expect(stderr).toMatch(/pgcockpit: switchover interrupted by SIGINT after step 2\/\d+ \(stop pg1 cleanly/);
    const start = /start it \(as (\S+) on this machine\): (.+?) ; the standbys reconnect by themselves/.exec(stderr);
    expect(start, stderr).not.toBeNull();
    expect(start?.[1]).toBe(cluster.node('pg1').osUser);
    expect(start?.[2]).toContain(`-D ${cluster.layout.dataDir('pg1')}`);
    expect(start?.[2]).toMatch(/ start$/);
    expect(stdout).toContain(`state left: pg1 is stopped (cleanly) and is still the primary of the cluster: nothing was promoted`);

    // The journal: the steps that ran, and "interrupted after step 2".
    const journal = (await readFile(path.join(cluster.layout.root, 'pgcockpit', 'audit.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const steps = journal.filter((entry) => entry.kind === 'step').map((entry) => `${entry.step} ${entry.phase}`);
    expect(steps).toEqual(['1 started', '1 succeeded', '2 started', '2 succeeded']);
    expect(journal.at(-1)).toMatchObject({ kind: 'outcome', outcome: 'interrupted', step: 2, completedSteps: 2, signal: 'SIGINT', node: 'pg2' });
    expect(String(journal.at(-1)?.advice)).toContain(start?.[2]);
    expect(journal.some((entry) => entry.kind === 'command' && entry.program === path.join(cluster.pgBinDir, 'pg_ctl') && entry.outcome === 'succeeded')).toBe(true);
    const log = await execa('node', [CLI, 'log'], { reject: false, env: { XDG_STATE_HOME: cluster.layout.root } });
    expect(log.exitCode).toBe(0);
    expect(String(log.stdout)).toMatch(/■ INTERRUPTED switchover: make pg2 the primary, pg1 a standby of it after step 2\/\d+ \(SIGINT\)/);

    // The servers are in the state the output names: pg1 down, pg2 and pg3 still standbys.
    await expect(cluster.query('pg1', 'select 1')).rejects.toThrow();
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(true);
    expect(await one('pg3', 'select pg_is_in_recovery()')).toBe(true);

    // The printed command, run as printed, gives pg1 its role back; both standbys stream from it again with every row.
    await runChecked(runners.forNode('pg1'), { program: 'sh', args: ['-c', start?.[2] ?? 'false'], mutating: true, timeoutMs: 180_000 });
    expect(await one('pg1', 'select pg_is_in_recovery()')).toBe(false);
    await waitFor(async () => (await streamingFrom('pg1')).length === 2, 'pg2 and pg3 streaming from pg1 again', 60_000);
    await cluster.query('pg1', 'insert into kept select generate_series(101, 110)');
    await waitFor(async () => Number(await one('pg2', 'select count(*) from kept')) === 110 && Number(await one('pg3', 'select count(*) from kept')) === 110, 'every row on pg2 and pg3', 30_000);
    await expectStatusAlerts(cluster.layout.configFile, []);
  });

  it('stopped right after the promotion (half switched): says pg2 is the primary and pg1 must not start as it is; the steps listed, carried out as listed, complete it', async () => {
    const { stdout, stderr, exitCode, signalled } = await interruptedSwitchover(/^step \d+\/\d+ on pg2: promote pg2/m, 'SIGINT');
    const output = `${stdout}\n${stderr}`;
    expect(signalled, output).toBe(true);
    expect(exitCode, output).toBe(1);
    const stopped = /^■ interrupted after step (\d+)\/(\d+): promote pg2 .*\(SIGINT\); steps? \d+(?:\.\.\d+)? (?:were|was) not run$/m.exec(stdout);
    expect(stopped, output).not.toBeNull();
    expect(stdout).toMatch(/state left: pg2 is the primary on timeline \d+ and takes writes; pg1 is stopped and must NOT be started as it is \(it would be a second primary\)/);
    expect(stdout).toContain('Once pg1 streams from pg2, pgcockpit switchover --to pg1 switches back');
    expect(stdout).toMatch(/^ {2}\d+\/\d+ on pg3: re-point pg3 to pg2/m);
    expect(stdout).toMatch(/^ {2}\d+\/\d+ on pg1: make pg1 a standby of pg2/m);
    expect(await one('pg2', 'select pg_is_in_recovery()')).toBe(false);
    await expect(cluster.query('pg1', 'select 1')).rejects.toThrow();
    expect(await one('pg3', 'select pg_is_in_recovery()')).toBe(true);

    // Carry out the steps not run, as listed: statements on the node named, commands as its OS user, lines appended to the file named.
    const listed = stdout.slice(stdout.indexOf('  steps not run:')).split('\n');
    let node = '';
    let appendTo: string | undefined;
    for (const line of listed) {
      const header = /^ {2}\d+\/\d+ on (\S+): /.exec(line);
      if (header) {
        node = header[1] ?? '';
        appendTo = undefined;
        continue;
      }
      const appended = /^ {8}(.+)$/.exec(line)?.[1];
      if (appendTo && appended) {
        await runChecked(runners.forNode(node), { program: 'sh', args: ['-c', 'printf "%s\\n" "$1" >> "$2"', 'sh', appended, appendTo], mutating: true });
        continue;
      }
      const detail = /^ {6}(\S.*)$/.exec(line)?.[1];
      if (!detail) continue;
      appendTo = /^append to (\S+):$/.exec(detail)?.[1];
      if (appendTo || detail.startsWith('wait up to')) continue;
      if (/^(select|alter|checkpoint)\b/.test(detail)) await cluster.query(node, detail);
      else await runChecked(runners.forNode(node), { program: 'sh', args: ['-c', detail], mutating: true, timeoutMs: 180_000 });
    }
    await waitFor(async () => (await streamingFrom('pg2')).length === 2, 'pg1 and pg3 streaming from pg2', 60_000);
    expect(await one('pg1', 'select pg_is_in_recovery()')).toBe(true);
    await cluster.query('pg2', 'insert into kept select generate_series(111, 120)');
    await waitFor(async () => Number(await one('pg1', 'select count(*) from kept')) === 120 && Number(await one('pg3', 'select count(*) from kept')) === 120, 'every row on pg1 and pg3', 30_000);
    await expectStatusAlerts(cluster.layout.configFile, []);
  });
});

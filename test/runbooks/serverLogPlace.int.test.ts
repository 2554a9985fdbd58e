import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgCtlStart, pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { readServerLogPlace } from '../../src/services/postgres/serverLogPlace.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { defaultServerLogFile } from '../../src/services/runbooks/serviceControl.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';

/**
 * Where a real server logs, read on its host the way a plan does before it
 * starts the server again (issue 10, point 8). The logging collector's case is
 * in handBuiltSwitchover.int.test.ts (a switchover on a cluster that uses one).
 */
describe('readServerLogPlace on a real server', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(1);
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('running: the file its postmaster writes to now (whoever started it chose it); the config wins; stopped: the default', async () => {
    const node = cluster.node('pg1');
    const runner = localRunner(cluster.osUser);
    const target = { pgBinDir: cluster.pgBinDir, dataDir: node.dataDir!, runner };
    const elsewhere = path.join(cluster.layout.root, 'elsewhere.log');
    await pgCtlStop(target);
    await pgCtlStart(target, elsewhere);
    const fallback = defaultServerLogFile(node);
    expect(fallback).not.toBe(elsewhere);

    expect(await readServerLogPlace(node, runner, fallback)).toEqual({ file: elsewhere, source: "the file its running server writes its log to now (the postmaster's stderr)" });
    expect(await readServerLogPlace({ ...node, serverLog: '/var/log/pg1.log' }, runner, fallback)).toEqual({ file: '/var/log/pg1.log', source: 'nodes[].serverLog in the config' });
    expect(await readServerLogPlace({ ...node, service: { start: ['systemctl', 'start', 'postgresql'] } }, runner, fallback)).toBeUndefined();

    await pgCtlStop(target);
    expect(await readServerLogPlace(node, runner, fallback)).toMatchObject({ file: fallback, source: expect.stringContaining('nothing says where it logs') });
    await pgCtlStart(target, elsewhere);
  });
});

import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { CockpitConfig, NodeConfig } from '../../src/services/config/schema.js';
import type { OsUser } from '../../src/services/os/osUser.js';
import { serverOsUser } from '../../src/services/os/osUser.js';
import { withNodeClient } from '../../src/services/postgres/connectNode.js';
import { findPgBinDir } from '../../src/services/postgres/findPgBinDir.js';
import { createSandbox } from '../../src/services/sandbox/createSandbox.js';
import { destroySandbox } from '../../src/services/sandbox/destroySandbox.js';
import type { SandboxLayout } from '../../src/services/sandbox/sandboxLayout.js';
import { sandboxLayout, sandboxNodeNames } from '../../src/services/sandbox/sandboxLayout.js';

/** A real cluster for one test file, made by the same code as `pgcockpit demo`. */
export interface TestCluster {
  config: CockpitConfig;
  layout: SandboxLayout;
  osUser: OsUser;
  pgBinDir: string;
  node(name: string): NodeConfig;
  /** Runs one statement on a node (fresh connection) and returns its rows. */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(name: string, sql: string, params?: unknown[]): Promise<Row[]>;
  /** Stops every server and removes the directory; safe to call twice. */
  destroy(): Promise<void>;
}

/**
 * Starts an N-node cluster (pg1 primary, the rest streaming standbys) on free
 * loopback ports in a fresh temporary directory. Pair it with `afterAll(() =>
 * cluster.destroy())`, which vitest runs even when tests fail.
 */
export async function startTestCluster(nodeCount: number): Promise<TestCluster> {
  const osUser = await serverOsUser();
  const pgBinDir = await findPgBinDir();
  let layout = sandboxLayout(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-test-')));
  let config: CockpitConfig;
  try {
    config = await createSandbox({ layout, nodeCount, pgBinDir, osUser });
  } catch (first) {
    // Seen once in a full run: a server did not start. The free port a node was given can be taken by another
    // test's process before the server binds it; one more try on fresh ports, and if that fails too, the
    // first try's server logs say why.
    const logs = await serverLogs(layout, nodeCount);
    await destroySandbox({ layout, pgBinDir, osUser, stopMode: 'immediate' }).catch(() => undefined);
    layout = sandboxLayout(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-test-')));
    try {
      config = await createSandbox({ layout, nodeCount, pgBinDir, osUser });
    } catch (second) {
      await destroySandbox({ layout, pgBinDir, osUser, stopMode: 'immediate' }).catch(() => undefined);
      throw new Error(`${String(second)}\n(first try: ${String(first).split('\n')[0]})\n${logs}`);
    }
  }
  const node = (name: string): NodeConfig => {
    const found = config.nodes.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no node ${name} in the test cluster`);
    return found;
  };
  let destroyed = false;
  return {
    config,
    layout,
    osUser,
    pgBinDir,
    node,
    query: async <Row extends pg.QueryResultRow>(name: string, sql: string, params?: unknown[]) =>
      withNodeClient(node(name), config, async (client) => (await client.query<Row>(sql, params)).rows),
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await destroySandbox({ layout, pgBinDir, osUser, stopMode: 'immediate' });
    },
  };
}

/** The last lines of each node's server log, for an error message. */
async function serverLogs(layout: SandboxLayout, nodeCount: number): Promise<string> {
  const parts = await Promise.all(
    sandboxNodeNames(nodeCount).map(async (name) => {
      const text = await readFile(layout.logFile(name), 'utf8').catch(() => '(no log)');
      return `${name}'s server log ends:\n${text.trimEnd().split('\n').slice(-10).join('\n')}`;
    }),
  );
  return parts.join('\n');
}

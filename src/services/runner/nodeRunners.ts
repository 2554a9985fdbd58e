import type { CockpitConfig } from '../config/schema.js';
import { SshConnectionPool } from '../ssh/sshConnectionPool.js';
import type { SshEnvironment } from '../ssh/sshEnvironment.js';
import { defaultSshEnvironment } from '../ssh/sshEnvironment.js';
import type { Runner } from './runner.js';
import { localRunner } from './localRunner.js';
import { currentOsUser } from '../os/osUser.js';
import { readOnlyRunner } from './readOnlyRunner.js';
import { runnerForNode } from './runnerForNode.js';
import { sshRunnerForNode } from './sshRunner.js';

/**
 * The runner name for this machine as the user running pgcockpit (the jump
 * host): where a backup's pg_dump runs and its files are written, so the
 * dumps belong to the DBA, not to a node's OS user.
 */
export const JUMP_HOST = 'jump host';

export interface NodeRunners {
  /** The runner for a configured node's host, made on first use and kept. */
  forNode(name: string): Runner;
  close(): Promise<void>;
}

/**
 * Runners for every node of a cluster, over one SSH connection pool (one
 * connection per host), all read-only when pgcockpit runs with --read-only.
 * Runbooks, the TUI and the CLI all take their runners from here.
 */
export function createNodeRunners(config: Pick<CockpitConfig, 'nodes'>, options: { readOnly: boolean; sshEnvironment?: SshEnvironment }): NodeRunners {
  const pool = new SshConnectionPool({ env: options.sshEnvironment ?? defaultSshEnvironment() });
  const runners = new Map<string, Runner>();
  return {
    forNode(name) {
      const existing = runners.get(name);
      if (existing) return existing;
      if (name === JUMP_HOST) {
        const local = localRunner(currentOsUser());
        runners.set(name, options.readOnly ? readOnlyRunner(local) : local);
        return runners.get(name)!;
      }
      const node = config.nodes.find((candidate) => candidate.name === name);
      if (!node) throw new Error(`no node named "${name}" in the config (nodes: ${config.nodes.map((n) => n.name).join(', ')})`);
      const runner = runnerForNode(node, { readOnly: options.readOnly, ssh: (sshNode) => sshRunnerForNode(sshNode, { pool }) });
      runners.set(name, runner);
      return runner;
    },
    async close() {
      await Promise.all([...runners.values()].map((runner) => runner.close()));
      runners.clear();
      await pool.close();
    },
  };
}

import type { NodeConfig, SshConfig } from '../config/schema.js';
import type { LocalRunnerOptions } from './localRunner.js';
import { localRunner } from './localRunner.js';
import { readOnlyRunner } from './readOnlyRunner.js';
import type { Runner } from './runner.js';

/** Builds the runner for a node reached over SSH (one whose config has an ssh section). */
export type SshRunnerFactory = (node: NodeConfig & { ssh: SshConfig }) => Runner;

export interface RunnerOptions {
  /** pgcockpit --read-only: every mutating command is refused before it starts. */
  readOnly: boolean;
  /** How to reach a node over SSH; without it an SSH node gets a clear error. */
  ssh?: SshRunnerFactory;
  /** Settings for runners on this machine (kill grace period). */
  local?: LocalRunnerOptions;
}

/**
 * The runner for a node's host: this machine when the node has no `ssh`
 * section, the SSH factory otherwise; wrapped read-only when asked.
 */
export function runnerForNode(node: NodeConfig, options: RunnerOptions): Runner {
  const { ssh } = node;
  let runner: Runner;
  if (ssh === undefined) {
    runner = localRunner(node.osUser, options.local);
  } else if (options.ssh) {
    runner = options.ssh({ ...node, ssh });
  } else {
    throw new Error(`node ${node.name} is reached over ssh (${ssh.user ? `${ssh.user}@` : ''}${ssh.host}), and this pgcockpit has no ssh runner yet`);
  }
  return options.readOnly ? readOnlyRunner(runner) : runner;
}

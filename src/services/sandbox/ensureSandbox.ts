import { readdir } from 'node:fs/promises';
import { pathExists } from '../os/pathExists.js';
import { loadConfig } from '../config/loadConfig.js';
import type { CockpitConfig } from '../config/schema.js';
import type { OsUser } from '../os/osUser.js';
import { pgCtlIsRunning, pgCtlStart } from '../postgres/pgCtl.js';
import { assertPgCtlPath } from '../postgres/pgCtlPath.js';
import { localRunner } from '../runner/localRunner.js';
import type { SandboxProgress } from './createSandbox.js';
import { createSandbox } from './createSandbox.js';
import type { SandboxLayout } from './sandboxLayout.js';

export interface EnsureSandboxOptions extends SandboxProgress {
  layout: SandboxLayout;
  /** Asked for explicitly (--nodes); undefined means "whatever is there, or 3". */
  nodeCount?: number;
  pgBinDir: string;
  osUser: OsUser;
}

export interface Sandbox {
  config: CockpitConfig;
  layout: SandboxLayout;
  /** False when an existing sandbox was reused. */
  created: boolean;
}

export const DEFAULT_SANDBOX_NODES = 3;

/**
 * The sandbox in `layout.root`: reused when one is there (its stopped servers
 * started again), created when the directory is absent or empty.
 */
export async function ensureSandbox(options: EnsureSandboxOptions): Promise<Sandbox> {
  const { layout } = options;
  // Before anything is created: the sandbox's paths all reach pg_ctl's shell.
  assertPgCtlPath('sandbox directory (--dir)', layout.root);
  assertPgCtlPath('PostgreSQL binary directory (--pg-bin)', options.pgBinDir);
  const hasMarker = await pathExists(layout.marker);
  const hasConfig = await pathExists(layout.configFile);
  if (hasMarker && hasConfig) {
    const config = await loadConfig(layout.configFile);
    if (options.nodeCount !== undefined && options.nodeCount !== config.nodes.length) {
      throw new Error(
        `the sandbox in ${layout.root} has ${config.nodes.length} nodes, not ${options.nodeCount}. ` +
          `Run \`pgcockpit demo down\` first to make a new one, or choose another --dir.`,
      );
    }
    for (const node of config.nodes) {
      const target = { pgBinDir: node.pgBinDir ?? options.pgBinDir, dataDir: node.dataDir ?? layout.dataDir(node.name), runner: localRunner(options.osUser), onLine: options.onLine };
      if (!(await pgCtlIsRunning(target))) {
        options.onStep?.(`start ${node.name} on ${node.host}:${node.port}`);
        await pgCtlStart(target, layout.logFile(node.name));
      }
    }
    return { config, layout, created: false };
  }
  if (hasMarker) {
    throw new Error(
      `an unfinished sandbox is in ${layout.root} (its creation was interrupted). ` +
        `Remove it with \`pgcockpit demo down --dir ${layout.root}\` and run demo again.`,
    );
  }
  const entries = await readdir(layout.root).catch(() => [] as string[]);
  if (entries.length > 0) {
    throw new Error(`${layout.root} exists, is not empty and is not a pgcockpit sandbox: choose another --dir`);
  }
  const config = await createSandbox({ ...options, nodeCount: options.nodeCount ?? DEFAULT_SANDBOX_NODES });
  return { config, layout, created: true };
}

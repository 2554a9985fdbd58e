import { readdir, rm } from 'node:fs/promises';
import { pathExists } from '../os/pathExists.js';
import path from 'node:path';
import type { OsUser } from '../os/osUser.js';
import { pgCtlIsRunning, pgCtlStop } from '../postgres/pgCtl.js';
import { localRunner } from '../runner/localRunner.js';
import type { SandboxLayout } from './sandboxLayout.js';

export interface DestroySandboxOptions {
  layout: SandboxLayout;
  pgBinDir: string;
  osUser: OsUser;
  /** `immediate` is for tests: nothing in a sandbox being thrown away needs a shutdown checkpoint. */
  stopMode?: 'fast' | 'immediate';
  onStep?: (message: string) => void;
}

/**
 * Stops every server of the sandbox and removes its directory. Refuses a
 * directory without the sandbox marker: --dir might point anywhere, and
 * pgcockpit never deletes a data directory it did not create as a sandbox.
 */
export async function destroySandbox(options: DestroySandboxOptions): Promise<void> {
  const { layout } = options;
  if (!(await pathExists(layout.marker))) {
    if (!(await pathExists(layout.root))) return;
    throw new Error(`${layout.root} is not a pgcockpit sandbox (no ${path.basename(layout.marker)} in it); nothing was removed`);
  }
  const nodeNames = await readdir(path.join(layout.root, 'nodes')).catch(() => [] as string[]);
  await Promise.all(
    nodeNames.map(async (name) => {
      const target = { pgBinDir: options.pgBinDir, dataDir: layout.dataDir(name), runner: localRunner(options.osUser) };
      if (await pgCtlIsRunning(target)) {
        options.onStep?.(`stop ${name}`);
        await pgCtlStop(target, options.stopMode ?? 'fast');
      }
    }),
  );
  options.onStep?.(`remove ${layout.root}`);
  await rm(layout.root, { recursive: true, force: true });
}

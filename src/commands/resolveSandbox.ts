import type { OsUser } from '../services/os/osUser.js';
import { serverOsUser } from '../services/os/osUser.js';
import { findPgBinDir } from '../services/postgres/findPgBinDir.js';
import { defaultSandboxDir } from '../services/sandbox/defaultSandboxDir.js';
import type { SandboxLayout } from '../services/sandbox/sandboxLayout.js';
import { sandboxLayout } from '../services/sandbox/sandboxLayout.js';

export interface SandboxTarget {
  layout: SandboxLayout;
  osUser: OsUser;
  pgBinDir: string;
}

/** Where the sandbox lives, who runs its servers, and with which binaries. */
export async function resolveSandbox(options: { dir?: string; pgBin?: string }): Promise<SandboxTarget> {
  const osUser = await serverOsUser();
  const pgBinDir = await findPgBinDir({ explicit: options.pgBin });
  return { layout: sandboxLayout(options.dir ?? defaultSandboxDir(osUser)), osUser, pgBinDir };
}

import type { CockpitConfig } from '../config/schema.js';
import type { RunnerSource, StepContext } from '../runbooks/plan.js';
import { backupsHostLabel, backupsHostNode } from './backupsHost.js';
import type { CatalogStore } from './catalogStore.js';
import { localCatalogStore } from './localCatalogStore.js';
import type { HostCommand } from './runnerCatalogStore.js';
import { runnerCatalogStore, runnerHostCommand } from './runnerCatalogStore.js';

function storeOn(config: Pick<CockpitConfig, 'backups' | 'nodes'>, command: (host: string) => HostCommand): CatalogStore {
  const node = backupsHostNode(config);
  return node ? runnerCatalogStore(command(node.name), backupsHostLabel(config), node.osUser) : localCatalogStore();
}

/** The catalog where the config puts it: backups.host's host through its runner, else this machine. */
export function catalogStoreFor(config: Pick<CockpitConfig, 'backups' | 'nodes'>, runners: RunnerSource): CatalogStore {
  return storeOn(config, (host) => runnerHostCommand(runners.forNode(host)));
}

/** The same inside a plan's step: each command a job of the step (journaled, refused under --read-only when it writes). */
export function catalogStoreInStep(ctx: Pick<StepContext, 'config' | 'command'>): CatalogStore {
  return storeOn(ctx.config, (host) => (spec) => ctx.command(host, spec, { logStdout: false }));
}

import type { CockpitConfig } from '../config/schema.js';
import type { PreflightCheck } from './plan.js';

/** The failed check for a target that names no configured node (every runbook starts by finding its target). */
export function unknownNodeCheck(config: Pick<CockpitConfig, 'nodes'>, targetName: string): PreflightCheck {
  return {
    label: `${targetName} is a configured node`,
    status: 'fail',
    observed: `no node named "${targetName}" (nodes: ${config.nodes.map((node) => node.name).join(', ')})`,
    fix: 'name one of the configured nodes',
  };
}

import type { CockpitConfig } from '../config/schema.js';
import { JUMP_HOST } from '../runner/nodeRunners.js';

/**
 * The runner whose host holds the backups dir and runs pg_dump, pg_restore
 * and the catalog's file work: backups.host's node (as its OS user, over ssh
 * when it has ssh), else the jump host as the DBA.
 */
export function backupsRunnerName(config: Pick<CockpitConfig, 'backups'>): string {
  return config.backups?.host ?? JUMP_HOST;
}

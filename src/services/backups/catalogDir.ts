import os from 'node:os';
import type { CockpitConfig } from '../config/schema.js';
import { expandHome } from '../config/expandHome.js';

/** The catalog's root (config.backups.dir, `~/` expanded), or an error that says how to name one. */
export function catalogDir(config: Pick<CockpitConfig, 'backups'>, home = os.homedir()): string {
  if (!config.backups?.dir) throw new Error('the config names no backups directory: add "backups: { dir: /var/backups/pgcockpit }" (pgcockpit backup writes its dumps there)');
  return expandHome(config.backups.dir, home);
}

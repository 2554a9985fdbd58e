import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandHome } from './expandHome.js';

export interface FindConfigPathOptions {
  /** `--config`: wins over everything else. */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
}

export const CONFIG_ENV_VAR = 'PGCOCKPIT_CONFIG';
export const LOCAL_CONFIG_NAME = 'pgcockpit.yaml';

/**
 * Which config file to use: `--config`, then $PGCOCKPIT_CONFIG, then
 * ./pgcockpit.yaml, then $XDG_CONFIG_HOME/pgcockpit/config.yaml (~/.config by
 * default). A path the DBA named is returned even if it does not exist, so
 * the loader can say so instead of quietly falling back to another cluster's
 * file; the conventional places only count when they exist.
 */
export function findConfigPath(opts: FindConfigPathOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const home = opts.home ?? os.homedir();
  // An empty value (`PGCOCKPIT_CONFIG= pgcockpit`) means "not set", as for libpq's variables.
  const named = nonEmpty(opts.explicit) ?? nonEmpty(env[CONFIG_ENV_VAR]);
  // The shell does not expand `~` in `--config=~/x` or in a quoted variable.
  if (named !== undefined) return path.resolve(cwd, expandHome(named, home));

  const local = path.join(cwd, LOCAL_CONFIG_NAME);
  if (isFile(local)) return local;
  const user = path.join(userConfigHome(env, home), 'pgcockpit', 'config.yaml');
  return isFile(user) ? user : undefined;
}

/** $XDG_CONFIG_HOME, which the XDG spec says to ignore unless it is absolute; else ~/.config. */
function userConfigHome(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = nonEmpty(env['XDG_CONFIG_HOME']);
  return xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(home, '.config');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

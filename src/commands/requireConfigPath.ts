import { ConfigError } from '../services/config/ConfigError.js';
import { findConfigPath } from '../services/config/findConfigPath.js';

/** The config file to use, or a ConfigError that lists where pgcockpit looked. */
export function requireConfigPath(explicit: string | undefined): string {
  const file = findConfigPath({ explicit });
  if (file) return file;
  throw new ConfigError(
    'no config file found. pgcockpit looks at --config FILE, $PGCOCKPIT_CONFIG, ./pgcockpit.yaml and ' +
      '~/.config/pgcockpit/config.yaml. Write one (see README "Config file"), or try the sandbox: pgcockpit demo',
    [],
  );
}

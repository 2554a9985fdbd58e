import { describeConfig } from '../services/config/describeConfig.js';
import { loadConfig } from '../services/config/loadConfig.js';
import { requireConfigPath } from './requireConfigPath.js';

/** `pgcockpit config check`: parse and validate the config file, then summarise it. */
export async function configCheckCommand(options: { config?: string }): Promise<void> {
  const file = requireConfigPath(options.config);
  const config = await loadConfig(file);
  process.stdout.write(`${describeConfig(config, file)}\nconfig OK\n`);
}

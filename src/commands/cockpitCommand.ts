import { loadConfig } from '../services/config/loadConfig.js';
import { runCockpit } from '../tui/runCockpit.js';
import { requireConfigPath } from './requireConfigPath.js';

/** `pgcockpit [--config FILE]`: the cockpit on the configured cluster. */
export async function cockpitCommand(options: { config?: string }): Promise<void> {
  const config = await loadConfig(requireConfigPath(options.config));
  await runCockpit(config);
}

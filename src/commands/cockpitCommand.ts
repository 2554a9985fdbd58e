import { loadConfig } from '../services/config/loadConfig.js';
import { runCockpit } from '../tui/runCockpit.js';
import { requireConfigPath } from './requireConfigPath.js';

/** `pgcockpit [--config FILE] [--read-only]`: the cockpit on the configured cluster. */
export async function cockpitCommand(options: { config?: string; readOnly?: boolean }): Promise<void> {
  const config = await loadConfig(requireConfigPath(options.config));
  await runCockpit(config, { readOnly: options.readOnly ?? false });
}

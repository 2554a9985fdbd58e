import { loadConfig } from '../services/config/loadConfig.js';
import type { FormValues } from '../services/runbooks/form.js';
import { formErrors, initialFormValues } from '../services/runbooks/form.js';
import type { Plan } from '../services/runbooks/plan.js';
import type { RunbookEntry } from '../services/runbooks/registry.js';
import { commandSessions } from './commandSessions.js';
import { EXIT_USAGE } from './exitCodes.js';
import { requireConfigPath } from './requireConfigPath.js';
import type { PlanCommandFlags } from './runPlanCommand.js';
import { conflictingPlanFlags, runPlanCommand } from './runPlanCommand.js';

/** Prepares the entry's plan and runs it as the CLI does. */
export async function runRunbook<P extends Plan, O>(
  entry: RunbookEntry<P, O>,
  node: string,
  commandOptions: O,
  flags: PlanCommandFlags,
  configPath?: string,
  formInput: FormValues = {},
): Promise<void> {
  if (conflictingPlanFlags(entry.cli.name, flags)) return;
  const config = await loadConfig(requireConfigPath(configPath));
  let options = commandOptions;
  if (entry.form) {
    // The form's values as the cockpit would fill them: its defaults, then what the command line gave, checked the same way.
    const nodeNames = config.nodes.map((candidate) => candidate.name);
    const values = { ...initialFormValues(entry.form, nodeNames), ...formInput };
    const errors = formErrors(entry.form, values, nodeNames);
    const refused = entry.form.fields.filter((field) => errors[field.name] !== undefined);
    if (refused.length > 0) {
      for (const field of refused) process.stderr.write(`pgcockpit: ${field.flag ?? field.name}: ${errors[field.name]}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    options = { ...(entry.fromForm?.(values) ?? {}), ...commandOptions } as O;
  }
  // Opened while the plan is printed and the DBA types, closed whatever happens (see commandSessions).
  const sessions = commandSessions(config, flags);
  try {
    const plan = await entry.prepare(config, node, options, sessions ? { sessions } : {});
    await runPlanCommand({ command: entry.kind, confirmVerb: entry.confirmVerb, flags, config, plan, succeeded: entry.succeeded, ...(sessions ? { sessions } : {}) });
  } finally {
    await sessions?.close();
  }
}

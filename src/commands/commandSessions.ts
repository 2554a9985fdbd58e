import type { CockpitConfig } from '../services/config/schema.js';
import type { PlanSessions } from '../services/runbooks/sqlSessions.js';
import { createSqlSessions } from '../services/runbooks/sqlSessions.js';
import type { PlanCommandFlags } from './runPlanCommand.js';

/**
 * The sessions a runbook's steps will use, for a command that may carry its
 * plan out (--yes, or a terminal to type the confirmation on): the planner
 * opens them while the plan is printed and the DBA types, so no step waits
 * for a connect after the confirmation. undefined for --dry-run or a plan
 * that is only shown: nothing is opened that could not be used. The caller
 * closes them whatever happens.
 */
export function commandSessions(config: CockpitConfig, flags: PlanCommandFlags): PlanSessions | undefined {
  const mayRun = !flags.dryRun && (flags.yes || process.stdin.isTTY === true);
  return mayRun ? createSqlSessions(config, { readOnly: flags.readOnly }) : undefined;
}

import { createInterface } from 'node:readline/promises';
import { AuditJournal } from '../services/audit/auditJournal.js';
import { loadConfig } from '../services/config/loadConfig.js';
import { executePlan, planAuditSteps } from '../services/runbooks/executePlan.js';
import { prepareFailover } from '../services/runbooks/failover/prepareFailover.js';
import { formatPlan } from '../services/runbooks/formatPlan.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { requireConfigPath } from './requireConfigPath.js';

export interface PromoteOptions {
  node: string;
  config?: string;
  /** Print the plan and change nothing: exit 0, or 2 when the plan is refused. */
  dryRun: boolean;
  /** Carry the plan out without asking. */
  yes: boolean;
  /** Accept resuming a paused WAL replay on the target first. */
  resumeReplay: boolean;
  /** Stop the old primary's server through its host first when it still runs there but does not answer here. */
  fence?: boolean;
  /** pgcockpit --read-only: every step that changes something is refused. */
  readOnly: boolean;
  /** Seconds the target has to leave recovery, and each re-pointed standby to stream. */
  promoteTimeout?: number;
  streamTimeout?: number;
}

/**
 * `pgcockpit promote NODE`: failover to NODE. Prints the plan (checks with
 * what was observed, steps with their exact SQL); --dry-run stops there,
 * --yes (or typing the node name on a terminal) carries it out, streaming
 * each step. A refused plan exits 2 with the reason and changes nothing.
 */
export async function promoteCommand(options: PromoteOptions): Promise<void> {
  if (options.dryRun && options.yes) {
    process.stderr.write('pgcockpit: promote takes --dry-run or --yes, not both\n');
    process.exitCode = EXIT_USAGE;
    return;
  }
  const config = await loadConfig(requireConfigPath(options.config));
  const plan = await prepareFailover(config, options.node, {
    resumeReplay: options.resumeReplay,
    ...(options.fence ? { fence: true } : {}),
    ...(options.promoteTimeout ? { promoteTimeoutMs: options.promoteTimeout * 1000 } : {}),
    ...(options.streamTimeout ? { streamTimeoutMs: options.streamTimeout * 1000 } : {}),
  });
  const audit = new AuditJournal();
  const willRun = options.yes || (!options.dryRun && process.stdin.isTTY === true);
  process.stdout.write(formatPlan(plan, { confirmHint: options.dryRun ? 'dry run: nothing was changed' : undefined }));
  if (plan.blocked) {
    await audit.recordPlan(`${plan.title} (refused)`, planAuditSteps(plan), { node: plan.target }).catch(() => undefined);
    process.stderr.write(`pgcockpit: ${plan.title} refused, nothing was changed: ${plan.blockedReasons.join('; ')}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  if (!willRun) {
    await audit.recordPlan(`${plan.title} (${options.dryRun ? 'dry run' : 'shown'})`, planAuditSteps(plan), { node: plan.target }).catch(() => undefined);
    if (!options.dryRun) {
      process.stderr.write(`pgcockpit: this was the plan only; run again with --yes to carry it out\n`);
      process.exitCode = EXIT_USAGE;
    } else {
      process.exitCode = EXIT_OK;
    }
    return;
  }
  if (!options.yes && !(await typedConfirmation(plan.confirmWord))) {
    process.stderr.write('pgcockpit: not confirmed; nothing was changed\n');
    process.exitCode = EXIT_FAILURE;
    return;
  }

  const runners = createNodeRunners(config, { readOnly: options.readOnly });
  try {
    const outcome = await executePlan(plan, {
      config,
      readOnly: options.readOnly,
      log: (text) => process.stdout.write(`${text}\n`),
      audit,
      runners,
    });
    if (!outcome.succeeded) {
      const failed = outcome.failedStep;
      process.stderr.write(`pgcockpit: failover stopped at step ${failed?.number}/${plan.steps.length} (${failed?.description}) on ${failed?.node}: ${failed?.error}\n`);
      process.exitCode = EXIT_FAILURE;
      return;
    }
    const rebuild = plan.run.needsRebuild.length > 0 ? `; needs rebuild: ${plan.run.needsRebuild.join(', ')}` : '';
    process.stdout.write(`${plan.target} is the primary on timeline ${plan.run.timeline ?? '?'}${rebuild}\n`);
  } finally {
    await runners.close();
  }
}

async function typedConfirmation(word: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(`type ${word} to promote it (anything else cancels): `)).trim() === word;
  } finally {
    prompt.close();
  }
}

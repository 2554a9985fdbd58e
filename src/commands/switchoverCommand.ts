import { createInterface } from 'node:readline/promises';
import { AuditJournal } from '../services/audit/auditJournal.js';
import { loadConfig } from '../services/config/loadConfig.js';
import { executePlan, planAuditSteps } from '../services/runbooks/executePlan.js';
import { formatPlan } from '../services/runbooks/formatPlan.js';
import { prepareSwitchover } from '../services/runbooks/switchover/prepareSwitchover.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { requireConfigPath } from './requireConfigPath.js';

export interface SwitchoverCommandOptions {
  /** The standby that becomes the primary. */
  to: string;
  config?: string;
  /** Print the plan and change nothing: exit 0, or 2 when the plan is refused. */
  dryRun: boolean;
  /** Carry the plan out without asking. */
  yes: boolean;
  /** pgcockpit --read-only: every step that changes something is refused. */
  readOnly: boolean;
  /** Most lag (MiB) a standby may have at plan time. */
  maxLagMb?: number;
  /** Seconds the target has to replay the old primary's shutdown checkpoint, and each standby to stream. */
  replayTimeout?: number;
  streamTimeout?: number;
}

/**
 * `pgcockpit switchover --to NODE`: the primary role moves to NODE with the
 * primary up and nothing lost. Prints the plan; --dry-run stops there, --yes
 * (or typing the node name on a terminal) carries it out, streaming each
 * step. A refused plan exits 2 with the reason and changes nothing.
 */
export async function switchoverCommand(options: SwitchoverCommandOptions): Promise<void> {
  if (options.dryRun && options.yes) {
    process.stderr.write('pgcockpit: switchover takes --dry-run or --yes, not both\n');
    process.exitCode = EXIT_USAGE;
    return;
  }
  const config = await loadConfig(requireConfigPath(options.config));
  const plan = await prepareSwitchover(config, options.to, {
    ...(options.maxLagMb !== undefined ? { maxLagBytes: options.maxLagMb * 1024 * 1024 } : {}),
    ...(options.replayTimeout ? { replayTimeoutMs: options.replayTimeout * 1000 } : {}),
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
      process.stderr.write('pgcockpit: this was the plan only; run again with --yes to carry it out\n');
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
    const outcome = await executePlan(plan, { config, readOnly: options.readOnly, log: (text) => process.stdout.write(`${text}\n`), audit, runners });
    if (!outcome.succeeded) {
      const failed = outcome.failedStep;
      process.stderr.write(`pgcockpit: switchover stopped at step ${failed?.number}/${plan.steps.length} (${failed?.description}) on ${failed?.node}: ${failed?.error}\n`);
      process.exitCode = EXIT_FAILURE;
      return;
    }
    process.stdout.write(`${plan.target} is the primary on timeline ${plan.run.promotion.timeline ?? '?'}; ${plan.oldPrimary} streams from it\n`);
  } finally {
    await runners.close();
  }
}

async function typedConfirmation(word: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(`type ${word} to switch over to it (anything else cancels): `)).trim() === word;
  } finally {
    prompt.close();
  }
}

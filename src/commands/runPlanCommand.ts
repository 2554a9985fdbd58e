import os from 'node:os';
import { createInterface } from 'node:readline/promises';
import { AuditJournal } from '../services/audit/auditJournal.js';
import type { CockpitConfig } from '../services/config/schema.js';
import { executePlan, planAuditSteps } from '../services/runbooks/executePlan.js';
import { formatPlan } from '../services/runbooks/formatPlan.js';
import type { Plan } from '../services/runbooks/plan.js';
import type { SqlSessions } from '../services/runbooks/sqlSessions.js';
import type { PlanEvent } from '../services/runbooks/planEvents.js';
import { planEventLines } from '../services/runbooks/planEvents.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import { maskSecrets } from '../services/runner/secretMasker.js';
import { watchPlanSignals } from './planSignals.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exitCodes.js';

export interface PlanCommandFlags {
  /** Print the plan and change nothing: exit 0, or 2 when the plan is refused. */
  dryRun: boolean;
  /** Carry the plan out without asking. */
  yes: boolean;
  /** pgcockpit --read-only: every step that changes something is refused. */
  readOnly: boolean;
}

/** --dry-run and --yes together are a usage error (exit 2), said before anything is planned. */
export function conflictingPlanFlags(command: string, flags: PlanCommandFlags): boolean {
  if (!(flags.dryRun && flags.yes)) return false;
  process.stderr.write(`pgcockpit: ${command} takes --dry-run or --yes, not both\n`);
  process.exitCode = EXIT_USAGE;
  return true;
}

export interface RunPlanCommand<P extends Plan> {
  /** The subcommand, for messages: "promote", "switchover". */
  command: string;
  /** What typing the confirmation word does: "promote it", "switch over to it". */
  confirmVerb: string;
  flags: PlanCommandFlags;
  config: CockpitConfig;
  plan: P;
  /** The last line after every step succeeded. */
  succeeded: (plan: P) => string;
  /** The sessions the steps run on, opened while the plan was on screen (commandSessions); the caller closes them. */
  sessions?: SqlSessions;
}

/**
 * The CLI side of every runbook: print the plan (checks with what was
 * observed, steps with their exact SQL and commands); a refused plan exits 2
 * and changes nothing; --dry-run stops after the plan; --yes, or the node's
 * name typed on a terminal, carries it out, streaming each step. Every plan
 * shown, refused or run lands in the audit journal.
 */
export async function runPlanCommand<P extends Plan>(run: RunPlanCommand<P>): Promise<void> {
  const { flags, plan } = run;
  const audit = new AuditJournal();
  const willRun = flags.yes || (!flags.dryRun && process.stdin.isTTY === true);
  process.stdout.write(formatPlan(plan, { confirmHint: flags.dryRun ? 'dry run: nothing was changed' : undefined }));
  if (plan.blocked) {
    await audit.recordPlan(`${plan.title} (refused)`, planAuditSteps(plan), { node: plan.target }).catch(() => undefined);
    process.stderr.write(maskSecrets(`pgcockpit: ${plan.title} refused, nothing was changed: ${plan.blockedReasons.join('; ')}\n`));
    process.exitCode = EXIT_USAGE;
    return;
  }
  if (!willRun) {
    await audit.recordPlan(`${plan.title} (${flags.dryRun ? 'dry run' : 'shown'})`, planAuditSteps(plan), { node: plan.target }).catch(() => undefined);
    if (flags.dryRun) {
      process.exitCode = EXIT_OK;
    } else {
      process.stderr.write('pgcockpit: this was the plan only; run again with --yes to carry it out\n');
      process.exitCode = EXIT_USAGE;
    }
    return;
  }
  if (plan.mustType && !flags.dryRun && process.stdin.isTTY !== true) {
    await audit.recordPlan(`${plan.title} (refused: not typed)`, planAuditSteps(plan), { node: plan.target }).catch(() => undefined);
    process.stderr.write(`pgcockpit: this plan must be confirmed by typing "${plan.confirmWord}" on a terminal; --yes is not enough. Nothing was changed\n`);
    process.exitCode = EXIT_FAILURE;
    return;
  }
  if ((!flags.yes || plan.mustType) && !(await typedConfirmation(plan.confirmWord, run.confirmVerb))) {
    process.stderr.write('pgcockpit: not confirmed; nothing was changed\n');
    process.exitCode = EXIT_FAILURE;
    return;
  }
  const runners = createNodeRunners(run.config, { readOnly: flags.readOnly });
  const signals = watchPlanSignals(run.command);
  try {
    const outcome = await executePlan(plan, {
      config: run.config,
      readOnly: flags.readOnly,
      onEvent: printPlanEvent,
      audit,
      runners,
      interruption: signals.interruption,
      cancel: signals.cancel,
      ...(run.sessions ? { sessions: run.sessions } : {}),
      onStep: signals.onStep,
    });
    if (outcome.cancelled) {
      const { cancelled } = outcome;
      const where = cancelled.stoppedStep !== undefined ? `at step ${cancelled.stoppedStep}/${plan.steps.length} (${plan.steps[cancelled.stoppedStep - 1]?.description})` : `after step ${cancelled.afterStep}/${plan.steps.length}`;
      process.stderr.write(
        maskSecrets(
          `pgcockpit: ${run.command} cancelled${cancelled.signal ? ` by ${cancelled.signal}` : ''} ${where}; undone: ${cancelled.undone.length > 0 ? cancelled.undone.join(', ') : 'nothing'}` +
            `${cancelled.undoFailed ? `; undo failed: ${cancelled.undoFailed}` : ''}; state left: ${outcome.advice ?? 'see the lines above'}; ${cancelled.next}\n`,
        ),
      );
      process.exitCode = cancelledExitCode(cancelled);
      return;
    }
    if (outcome.interrupted) {
      const after = outcome.interrupted.afterStep;
      const last = plan.steps[after - 1];
      process.stderr.write(
        maskSecrets(
          `pgcockpit: ${run.command} interrupted${outcome.interrupted.signal ? ` by ${outcome.interrupted.signal}` : ''} after step ${after}/${plan.steps.length}` +
            `${last ? ` (${last.description})` : ''}: ${outcome.advice ?? 'see the lines above'}\n`,
        ),
      );
      process.exitCode = EXIT_FAILURE;
      return;
    }
    if (!outcome.succeeded) {
      const failed = outcome.failedStep;
      process.stderr.write(
        maskSecrets(
          `pgcockpit: ${run.command} stopped at step ${failed?.number}/${plan.steps.length} (${failed?.description}) on ${failed?.node}: ${failed?.error}` +
            (outcome.undone
              ? `; undone: ${outcome.undone.list.length > 0 ? outcome.undone.list.join(', ') : 'nothing'}${outcome.undone.undoFailed ? `; undo failed: ${outcome.undone.undoFailed}` : ''}; state left: ${outcome.advice ?? 'see the lines above'}; ${outcome.undone.next}`
              : '') +
            '\n',
        ),
      );
      process.exitCode = EXIT_FAILURE;
      return;
    }
    process.stdout.write(`${run.succeeded(plan)}\n`);
  } finally {
    signals.stop();
    await runners.close();
  }
}

/**
 * A cancel's exit code: 128 + the signal's number (130 for SIGINT, 143 for
 * SIGTERM, as a shell reports a command the signal ended) when every step
 * done that changes something was undone; 1 (EXIT_FAILURE) when something is
 * left changed (a step without undo, an undo that failed): the stderr line says what.
 */
export function cancelledExitCode(cancelled: { signal?: string; nothingLeftChanged: boolean }): number {
  if (!cancelled.nothingLeftChanged) return EXIT_FAILURE;
  const number = cancelled.signal ? os.constants.signals[cancelled.signal as NodeJS.Signals] : undefined;
  return number !== undefined ? 128 + number : EXIT_FAILURE;
}

/** The CLI printer: each event's lines (a job's coalesced output in one write), masked, on stdout. */
export function printPlanEvent(event: PlanEvent): void {
  const lines = planEventLines(event);
  if (lines.length > 0) process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

async function typedConfirmation(word: string, verb: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await prompt.question(`type ${word} to ${verb} (anything else cancels): `)).trim() === word;
  } finally {
    prompt.close();
  }
}

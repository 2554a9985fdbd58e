import type { AuditStep } from '../audit/auditEntry.js';
import type { CockpitConfig } from '../config/schema.js';
import { formatElapsed } from '../runner/formatElapsed.js';
import { describeResult } from '../runner/jobOutcome.js';
import { ReadOnlyError } from '../runner/runner.js';
import type { Plan, RunnerSource, StepContext } from './plan.js';
import { failedChecks } from './plan.js';
import type { SqlSessions } from './sqlSessions.js';
import { createSqlSessions } from './sqlSessions.js';

/** What executePlan needs of the audit journal (AuditJournal satisfies it). */
export interface PlanAudit {
  recordPlan(title: string, steps: readonly AuditStep[], details?: { node?: string }): Promise<void>;
}

export interface ExecutePlanOptions {
  config: CockpitConfig;
  /** pgcockpit --read-only: a plan with any mutating step is refused before its first step. */
  readOnly: boolean;
  /** Where the progress goes: the store's log, the CLI's stdout. */
  log: (text: string) => void;
  audit?: PlanAudit;
  /** For steps that run programs on a node's host (restart on PostgreSQL 12). */
  runners?: RunnerSource;
  signal?: AbortSignal;
  /** Sessions to use instead of fresh ones (tests); closed by the caller then. */
  sessions?: SqlSessions;
}

export interface PlanOutcome {
  succeeded: boolean;
  /** Steps that finished. */
  completedSteps: number;
  failedStep?: { number: number; node: string; description: string; error: string };
  elapsedMs: number;
  /** Each finished step's result text, in order. */
  results: string[];
}

/** Thrown before anything runs: the plan is blocked by a failed check. */
export class PlanBlockedError extends Error {
  constructor(readonly plan: Plan) {
    super(`${plan.title} refused, nothing was changed: ${failedChecks(plan.checks).join('; ')}`);
    this.name = 'PlanBlockedError';
  }
}

/** The plan as the journal keeps it: checks with what was seen, then steps with their exact SQL or command. */
export function planAuditSteps(plan: Plan): AuditStep[] {
  return [
    ...plan.checks.map((check) => ({ check: check.label, status: check.status, observed: check.observed })),
    ...plan.steps.map((step, index) => ({ step: index + 1, node: step.node, description: step.description, detail: step.detail })),
  ];
}

/**
 * Runs a plan's steps in order, each announced as `step N/M` with its exact
 * SQL or command, ending with its elapsed time; stops at the first failure,
 * naming the step. Refuses (throws, nothing run) a blocked plan, and in
 * read-only mode a plan with a mutating step. The plan is recorded in the
 * audit journal before the first step.
 */
export async function executePlan(plan: Plan, options: ExecutePlanOptions): Promise<PlanOutcome> {
  if (plan.blocked) throw new PlanBlockedError(plan);
  const firstMutating = plan.steps.find((step) => step.mutating);
  if (options.readOnly && firstMutating) {
    throw new ReadOnlyError({ program: `${plan.title} (step "${firstMutating.description}")`, args: [], mutating: true }, firstMutating.node);
  }
  await options.audit?.recordPlan(plan.title, planAuditSteps(plan), { node: plan.target });

  const sessions = options.sessions ?? createSqlSessions(options.config, { readOnly: options.readOnly });
  const startedAt = Date.now();
  const total = plan.steps.length;
  const results: string[] = [];
  options.log(`▶ ${plan.title}: ${total} step${total === 1 ? '' : 's'}`);
  try {
    for (const [index, step] of plan.steps.entries()) {
      const number = index + 1;
      const prefix = `step ${number}/${total}`;
      const stepStartedAt = Date.now();
      const elapsed = () => `${formatElapsed(Date.now() - stepStartedAt)}, ${formatElapsed(Date.now() - startedAt)} in all`;
      options.log(`${prefix} on ${step.node}: ${step.description}`);
      for (const line of step.detail.split('\n')) options.log(`${prefix}   ${line}`);
      try {
        if (options.signal?.aborted) throw new Error('cancelled before it started');
        const result = await step.run(stepContext(prefix, sessions, options));
        if (result) results.push(result);
        options.log(`${prefix} ✓ ${result ?? 'done'} (${elapsed()})`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        options.log(`${prefix} ✗ ${step.description} failed on ${step.node}: ${message} (${elapsed()})`);
        options.log(`■ stopped at step ${number}/${total}; steps ${number + 1}..${total} were not run`);
        return {
          succeeded: false,
          completedSteps: index,
          failedStep: { number, node: step.node, description: step.description, error: message },
          elapsedMs: Date.now() - startedAt,
          results,
        };
      }
    }
  } finally {
    if (!options.sessions) await sessions.close();
  }
  options.log(`✓ ${plan.title}: all ${total} steps done in ${formatElapsed(Date.now() - startedAt)}`);
  return { succeeded: true, completedSteps: total, elapsedMs: Date.now() - startedAt, results };
}

function stepContext(prefix: string, sessions: SqlSessions, options: ExecutePlanOptions): StepContext {
  return {
    config: options.config,
    signal: options.signal,
    log: (text) => options.log(`${prefix}   ${text}`),
    sql: (node, text, sqlOptions) => sessions.query(node, text, sqlOptions),
    resetSession: (node) => sessions.reset(node),
    async command(node, spec, commandOptions) {
      if (!options.runners) throw new Error(`no runner for ${node}: this step runs ${spec.program} on its host`);
      const stdout: string[] = [];
      const result = await options.runners.forNode(node).run(spec, {
        signal: options.signal,
        onLine: (line) => {
          if (line.stream === 'stdout') stdout.push(line.text);
          if (line.stream === 'stdout' && commandOptions?.logStdout === false) return;
          options.log(`${prefix}   ${line.stream === 'stderr' ? '! ' : ''}${line.text}`);
        },
      });
      if (result.exitCode !== 0 || result.timedOut || result.cancelled) throw new Error(`${spec.program}: ${describeResult(result)}`);
      return stdout.join('\n');
    },
  };
}

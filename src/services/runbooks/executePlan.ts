import type { AuditEntryInput, AuditStep, CommandRecord, OutcomeEntry, StatementEntry, StepEntry } from '../audit/auditEntry.js';
import type { CockpitConfig } from '../config/schema.js';
import { formatElapsed } from '../runner/formatElapsed.js';
import { commandOutcome, describeResult } from '../runner/jobOutcome.js';
import { ReadOnlyError } from '../runner/runner.js';
import { maskSecrets } from '../runner/secretMasker.js';
import type { Plan, PlanStep, RunnerSource, StepContext } from './plan.js';
import { failedChecks } from './plan.js';
import type { PlanJournal } from './planJournal.js';
import { planJournal } from './planJournal.js';
import { remainingSteps, stoppedAdvice } from './stoppedAdvice.js';
import type { SqlSessions } from './sqlSessions.js';
import { createSqlSessions } from './sqlSessions.js';

/**
 * What executePlan needs of the audit journal (AuditJournal satisfies it).
 * Only recordPlan is required; a journal that has the others also gets each
 * step's start and end, the statements that change something, the commands
 * run, and the outcome.
 */
export interface PlanAudit {
  recordPlan(title: string, steps: readonly AuditStep[], details?: { node?: string }): Promise<void>;
  recordStep?(step: AuditEntryInput<StepEntry>): Promise<void>;
  recordStatement?(statement: AuditEntryInput<StatementEntry>): Promise<void>;
  recordCommand?(record: CommandRecord): Promise<void>;
  recordOutcome?(outcome: AuditEntryInput<OutcomeEntry>): Promise<void>;
}

/** A step starting or ending, for a caller that must know which one runs (the CLI's "finishing step 2/10" on a second Ctrl-C). */
export interface StepEvent {
  number: number;
  total: number;
  step: PlanStep;
  phase: 'started' | 'ended';
}

export interface ExecutePlanOptions {
  config: CockpitConfig;
  /** pgcockpit --read-only: a plan with any mutating step is refused before its first step. */
  readOnly: boolean;
  /** Where the progress goes: the store's log, the CLI's stdout. Passwords are masked before it. */
  log: (text: string) => void;
  audit?: PlanAudit;
  /** For steps that run programs on a node's host (restart on PostgreSQL 12). */
  runners?: RunnerSource;
  /** Aborts the running step's commands too (the cockpit closing). */
  signal?: AbortSignal;
  /**
   * A stop asked for between steps (SIGINT, SIGTERM; its reason names the
   * signal): the running step finishes, the next one does not start, and
   * the plan ends as interrupted, saying the state left and what completes
   * or reverses it. Interrupting a step halfway (a pg_ctl stop, a promotion)
   * would leave a state nobody can describe.
   */
  interruption?: AbortSignal;
  onStep?: (event: StepEvent) => void;
  /** Sessions to use instead of fresh ones (tests); closed by the caller then. */
  sessions?: SqlSessions;
}

export interface PlanOutcome {
  succeeded: boolean;
  /** Steps that finished. */
  completedSteps: number;
  failedStep?: { number: number; node: string; description: string; error: string };
  /** Stopped between steps by `interruption`: after step afterStep (0: before the first). */
  interrupted?: { afterStep: number; signal?: string };
  /** Stopped early (failed or interrupted): the state left and the command that completes or reverses it; masked. */
  advice?: string;
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
 * naming the step, or between steps when `interruption` fires. Refuses
 * (throws, nothing run) a blocked plan, and in read-only mode a plan with a
 * mutating step. The plan is recorded in the audit journal before the first
 * step, then each step's start and end, and how it all ended. Every line it
 * logs or records has its passwords masked; the statements run keep them.
 */
export async function executePlan(plan: Plan, options: ExecutePlanOptions): Promise<PlanOutcome> {
  if (plan.blocked) throw new PlanBlockedError(plan);
  const firstMutating = plan.steps.find((step) => step.mutating);
  if (options.readOnly && firstMutating) {
    throw new ReadOnlyError({ program: `${plan.title} (step "${firstMutating.description}")`, args: [], mutating: true }, firstMutating.node);
  }
  await options.audit?.recordPlan(plan.title, planAuditSteps(plan), { node: plan.target });

  const log = (text: string) => options.log(maskSecrets(text));
  const journal = planJournal(options.audit, log);
  const sessions = options.sessions ?? createSqlSessions(options.config, { readOnly: options.readOnly });
  const startedAt = Date.now();
  const total = plan.steps.length;
  const results: string[] = [];
  const ended = async (outcome: PlanOutcome, entry: Omit<AuditEntryInput<OutcomeEntry>, 'plan' | 'total' | 'elapsedMs' | 'completedSteps'>) => {
    await journal.outcome({ plan: plan.title, node: plan.target, total, completedSteps: outcome.completedSteps, elapsedMs: outcome.elapsedMs, ...entry });
    return outcome;
  };
  log(`▶ ${plan.title}: ${total} step${total === 1 ? '' : 's'}`);
  try {
    for (const [index, step] of plan.steps.entries()) {
      const number = index + 1;
      if (options.interruption?.aborted) {
        const signal = signalName(options.interruption.reason);
        const advice = stoppedAdvice(plan, index);
        const last = plan.steps[index - 1];
        log(`■ interrupted after step ${index}/${total}${last ? `: ${last.description}` : ' (before the first step)'}${signal ? ` (${signal})` : ''}; steps ${number}..${total} were not run`);
        log(`  state left: ${advice}`);
        if (index > 0) {
          log('  steps not run:');
          for (const line of remainingSteps(plan, index)) log(line);
        }
        return await ended(
          { succeeded: false, completedSteps: index, interrupted: { afterStep: index, ...(signal ? { signal } : {}) }, advice, elapsedMs: Date.now() - startedAt, results },
          { outcome: 'interrupted', step: index, advice, ...(signal ? { signal } : {}) },
        );
      }
      const prefix = `step ${number}/${total}`;
      const stepStartedAt = Date.now();
      const elapsed = () => `${formatElapsed(Date.now() - stepStartedAt)}, ${formatElapsed(Date.now() - startedAt)} in all`;
      const about = { plan: plan.title, step: number, total, node: step.node, description: step.description };
      // Told first: a Ctrl-C that comes as soon as "step N/M" shows must know that step N runs.
      options.onStep?.({ number, total, step, phase: 'started' });
      log(`${prefix} on ${step.node}: ${step.description}`);
      for (const line of step.detail.split('\n')) log(`${prefix}   ${line}`);
      try {
        await journal.step({ ...about, phase: 'started', detail: step.detail });
        if (options.signal?.aborted) throw new Error('cancelled before it started');
        const result = await step.run(stepContext(prefix, { plan, number, sessions, log, journal }, options));
        if (result) results.push(result);
        log(`${prefix} ✓ ${result ?? 'done'} (${elapsed()})`);
        await journal.step({ ...about, phase: 'succeeded', ...(result ? { result } : {}), durationMs: Date.now() - stepStartedAt });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`${prefix} ✗ ${step.description} failed on ${step.node}: ${message} (${elapsed()})`);
        log(`■ stopped at step ${number}/${total}; steps ${number + 1}..${total} were not run`);
        await journal.step({ ...about, phase: 'failed', error: message, durationMs: Date.now() - stepStartedAt });
        const advice = index > 0 && plan.steps[index - 1]?.ifStoppedAfter ? stoppedAdvice(plan, index) : undefined;
        if (advice) log(`  before step ${number} (it may have done part of its work): ${advice}`);
        return await ended(
          {
            succeeded: false,
            completedSteps: index,
            failedStep: { number, node: step.node, description: step.description, error: maskSecrets(message) },
            ...(advice ? { advice } : {}),
            elapsedMs: Date.now() - startedAt,
            results,
          },
          { outcome: 'failed', step: number, error: message, ...(advice ? { advice } : {}) },
        );
      } finally {
        options.onStep?.({ number, total, step, phase: 'ended' });
      }
    }
  } finally {
    if (!options.sessions) await sessions.close();
  }
  log(`✓ ${plan.title}: all ${total} steps done in ${formatElapsed(Date.now() - startedAt)}`);
  return ended({ succeeded: true, completedSteps: total, elapsedMs: Date.now() - startedAt, results }, { outcome: 'succeeded' });
}

function signalName(reason: unknown): string | undefined {
  return typeof reason === 'string' && /^SIG[A-Z]+$/.test(reason) ? reason : undefined;
}

interface StepRun {
  plan: Plan;
  number: number;
  sessions: SqlSessions;
  log: (text: string) => void;
  journal: PlanJournal;
}

function stepContext(prefix: string, run: StepRun, options: ExecutePlanOptions): StepContext {
  const { sessions, log, journal } = run;
  return {
    config: options.config,
    signal: options.signal,
    log: (text) => log(`${prefix}   ${text}`),
    async sql<Row extends Record<string, unknown> = Record<string, unknown>>(node: string, text: string, sqlOptions: { mutating: boolean; params?: unknown[] }) {
      const startedAt = Date.now();
      const statement = { plan: run.plan.title, step: run.number, node, sql: text };
      try {
        const rows = await sessions.query<Row>(node, text, sqlOptions);
        // Changes are recorded; read-only polls are not (a wait loop sends one every few ms).
        if (sqlOptions.mutating) await journal.statement({ ...statement, outcome: 'succeeded', durationMs: Date.now() - startedAt });
        return rows;
      } catch (error) {
        await journal.statement({ ...statement, outcome: 'failed', error: error instanceof Error ? error.message : String(error), durationMs: Date.now() - startedAt });
        throw error;
      }
    },
    resetSession: (node) => sessions.reset(node),
    async command(node, spec, commandOptions) {
      if (!options.runners) throw new Error(`no runner for ${node}: this step runs ${spec.program} on its host`);
      const runner = options.runners.forNode(node);
      const stdout: string[] = [];
      const startedAt = Date.now();
      const record = {
        title: `${run.plan.title}, ${prefix}`,
        node,
        where: runner.where,
        osUser: runner.osUser,
        program: spec.program,
        args: spec.args,
        envKeys: Object.keys(spec.env ?? {}),
        ...(spec.cwd ? { cwd: spec.cwd } : {}),
        mutating: spec.mutating,
        startedAt,
      };
      let result;
      try {
        result = await runner.run(spec, {
          signal: options.signal,
          onLine: (line) => {
            if (line.stream === 'stdout') stdout.push(line.text);
            if (line.stream === 'stdout' && commandOptions?.logStdout === false) return;
            log(`${prefix}   ${line.stream === 'stderr' ? '! ' : ''}${line.text}`);
          },
        });
      } catch (error) {
        const endedAt = Date.now();
        const message = error instanceof Error ? error.message : String(error);
        await journal.command({ ...record, endedAt, durationMs: endedAt - startedAt, outcome: error instanceof ReadOnlyError ? 'refused' : 'error', exitCode: null, signal: null, error: message });
        throw error;
      }
      const endedAt = Date.now();
      await journal.command({ ...record, endedAt, durationMs: result.durationMs, outcome: commandOutcome(result), exitCode: result.exitCode, signal: result.signal });
      if (result.exitCode !== 0 || result.timedOut || result.cancelled) throw new Error(`${spec.program}: ${describeResult(result)}`);
      return stdout.join('\n');
    },
  };
}

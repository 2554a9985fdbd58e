import { stripVTControlCharacters } from 'node:util';
import type { CommandOutcome, CommandRecord } from '../audit/auditEntry.js';
import type { CommandAudit } from '../audit/auditJournal.js';
import { coalescedLog, LOG_FLUSH_INTERVAL_MS } from './coalescedLog.js';
import type { JobSignals } from './jobControl.js';
import { commandOutcome, describeResult, jobStatus } from './jobOutcome.js';
import type { JobRecord, ProgressAmount, ProgressReport } from './jobRecord.js';
import type { LogLine } from './logLine.js';
import type { CommandResult, CommandSpec, OutputLine, Runner } from './runner.js';
import { ReadOnlyError } from './runner.js';
import { refuseSecretsInArgs, SecretInArgsError } from './secretInArgsError.js';
import { createSecretMasker } from './secretMasker.js';

/** What runJob writes to: the cockpit store's jobs and log slices satisfy it. */
export interface JobSink {
  startJob(job: Omit<JobRecord, 'status'>): void;
  finishJob(id: number, outcome: Pick<JobRecord, 'status' | 'endedAt' | 'exitCode' | 'signal'>): void;
  appendLogLines(lines: readonly LogLine[]): void;
  /** Where the job's progress goes (the store has it; a sink without it gets none). */
  setJobProgress?(id: number, fraction: number, amount?: ProgressAmount): void;
}

/** A sink, or a store whose state is one (the object createCockpitStore returns). */
export type JobSinkSource = JobSink | { getState(): JobSink };

/** Longer output lines are cut here: nobody reads a 1 MB line in a log pane. */
export const MAX_LOG_LINE = 2000;

export interface RunJobOptions {
  /** What the job does, for the header and the jobs list: "pg_basebackup", "promote". */
  title: string;
  /** The node it runs for, if any: "pg2". */
  node?: string;
  runner: Runner;
  spec: CommandSpec;
  /** Passwords the job knows of (besides password-named variables in the environment): never shown, never recorded, never in args. */
  secrets?: readonly string[];
  sink: JobSinkSource;
  audit?: CommandAudit;
  /** The caller's own cancel; job control (below) adds the DBA's. */
  signal?: AbortSignal;
  /** Job control (createJobControl): lets the DBA stop the job from the cockpit (requestJobCancel). */
  control?: JobSignals;
  /**
   * Reads progress off an output line (basebackupProgressFraction): a fraction
   * 0..1, or null for a line that says nothing about it. The latest value goes
   * to the job's record with the next output flush, not once a line.
   */
  parseProgress?: (line: string) => number | ProgressReport | null;
  /** Default LOG_FLUSH_INTERVAL_MS. */
  flushIntervalMs?: number;
  /** false: stdout is read (onLine, progress) but not logged (pg_controldata's is long and of no use in the log). */
  logStdout?: boolean;
  /** Each output line as the program printed it, unmasked, for a caller that reads the output (a step's pg_controldata). */
  onLine?: (line: OutputLine) => void;
}

let lastJobId = 0;

/**
 * Runs one command as a job: a header line (what, where, as whom), its
 * output with escape codes stripped and secrets masked, coalesced into a few
 * store updates a second, then a result line; the job's record in the jobs
 * slice; one entry in the audit journal. Refuses, before anything runs, a
 * command whose arguments hold a password.
 *
 * Returns the command's result (a non-zero exit is a result, not an error);
 * throws when the command could not run at all (refused, not found), after
 * saying so in the log and the journal.
 */
export async function runJob(options: RunJobOptions): Promise<CommandResult> {
  const { title, node, runner, spec } = options;
  const sink = (): JobSink => ('getState' in options.sink ? options.sink.getState() : options.sink);
  // The operator's own environment reaches the child too, so its passwords are as secret as the job's.
  const masker = createSecretMasker({ secrets: options.secrets, env: { ...process.env, ...spec.env } });
  const id = ++lastJobId;
  const startedAt = Date.now();
  // Only a line holding ESC or CSI can hold an escape sequence: the rest skip the sequence pattern.
  const clean = (text: string) => truncate(masker.mask(/[\u001b\u009b]/.test(text) ? stripVTControlCharacters(text) : text));
  const logLine = (text: string, stream: LogLine['stream'], at = Date.now()): LogLine => ({ at, text: clean(text), stream, jobId: id });

  // Registered before the job shows: a stop asked for as soon as it appears finds its controller.
  const registration = options.control?.register(id, options.signal);
  const signal = registration?.signal ?? options.signal;
  sink().startJob({ id, title: clean(title), ...(node !== undefined ? { node } : {}), where: runner.where, startedAt });
  sink().appendLogLines([logLine(`▶ ${title}${node ? ` on ${node}` : ''} — ${runner.where}`, 'header', startedAt)]);

  const progress = progressTracker(options.parseProgress);
  const log = coalescedLog((lines) => {
    const report = progress.take();
    if (report !== undefined) sink().setJobProgress?.(id, report.fraction, report.amount);
    sink().appendLogLines(lines);
  }, options.flushIntervalMs ?? LOG_FLUSH_INTERVAL_MS);
  const record = (outcome: Omit<CommandRecord, keyof ReturnType<typeof describeCommand>>): Promise<string | undefined> =>
    recordSafely(options.audit, { ...describeCommand(options, masker.mask), ...outcome });

  let result: CommandResult;
  try {
    refuseSecretsInArgs(spec, masker);
    result = await runner.run(spec, {
      signal,
      onLine: (line: OutputLine) => {
        options.onLine?.(line);
        const shown = logLine(line.text, line.stream, line.at);
        const problem = progress.read(shown.text);
        if (line.stream !== 'stdout' || options.logStdout !== false) log.push(shown);
        if (problem !== undefined) log.push(logLine(problem, 'info', line.at));
      },
    });
  } catch (error) {
    const endedAt = Date.now();
    const message = masker.mask(error instanceof Error ? error.message : String(error));
    const refused = error instanceof ReadOnlyError || error instanceof SecretInArgsError;
    const outcome: CommandOutcome = refused ? 'refused' : 'error';
    const auditProblem = await record({ startedAt, endedAt, outcome, exitCode: null, signal: null, durationMs: endedAt - startedAt, error: message });
    log.flush([logLine(`✗ ${message}`, 'info', endedAt), ...(auditProblem ? [logLine(auditProblem, 'info')] : [])]);
    sink().finishJob(id, { status: 'failed', endedAt, exitCode: null, signal: null });
    registration?.release();
    throw error;
  }

  const endedAt = Date.now();
  const auditProblem = await record({
    startedAt,
    endedAt,
    outcome: commandOutcome(result),
    exitCode: result.exitCode,
    signal: result.signal,
    durationMs: Math.round(result.durationMs),
  });
  log.flush([logLine(describeResult(result), 'info', endedAt), ...(auditProblem ? [logLine(auditProblem, 'info')] : [])]);
  sink().finishJob(id, { status: jobStatus(result), endedAt, exitCode: result.exitCode, signal: result.signal });
  registration?.release();
  return result;
}

interface ProgressTracker {
  /** Reads a line; returns, the first time the parser throws, what to say in the log. */
  read(text: string): string | undefined;
  /** The newest report a line gave since the last take, if any. */
  take(): ProgressReport | undefined;
}

/** Keeps the newest progress a line gave, for the next flush. A parser that throws is dropped, not the job. */
function progressTracker(parse: ((line: string) => number | ProgressReport | null) | undefined): ProgressTracker {
  let pending: ProgressReport | undefined;
  let failed = false;
  return {
    read(text) {
      if (!parse || failed) return undefined;
      try {
        const parsed = parse(text);
        const report = typeof parsed === 'number' ? { fraction: parsed } : parsed;
        if (report !== null && Number.isFinite(report.fraction)) pending = { ...report, fraction: Math.min(1, Math.max(0, report.fraction)) };
        return undefined;
      } catch (error) {
        failed = true;
        return `⚠ progress not shown: reading it failed (${error instanceof Error ? error.message : String(error)})`;
      }
    },
    take() {
      const report = pending;
      pending = undefined;
      return report;
    },
  };
}

/** The parts of the journal entry known before the command runs, secrets masked. */
function describeCommand(options: RunJobOptions, mask: (text: string) => string) {
  const { spec, runner } = options;
  return {
    title: mask(options.title),
    ...(options.node !== undefined ? { node: options.node } : {}),
    where: runner.where,
    osUser: runner.osUser,
    program: mask(spec.program),
    args: spec.args.map(mask),
    envKeys: Object.keys(spec.env ?? {}),
    ...(spec.cwd !== undefined ? { cwd: mask(spec.cwd) } : {}),
    mutating: spec.mutating,
  };
}

/** Writes the journal entry; a journal that cannot be written is reported in the log, not fatal to a command that already ran. */
async function recordSafely(audit: CommandAudit | undefined, record: CommandRecord): Promise<string | undefined> {
  if (!audit) return undefined;
  try {
    await audit.recordCommand(record);
    return undefined;
  } catch (error) {
    return `⚠ audit journal not written: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function truncate(text: string): string {
  if (text.length <= MAX_LOG_LINE) return text;
  return `${text.slice(0, MAX_LOG_LINE)}… (${text.length - MAX_LOG_LINE} more characters)`;
}

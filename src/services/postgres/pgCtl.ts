import path from 'node:path';
import type { OutputLine, Runner } from '../runner/runner.js';
import { runChecked, runCollected } from '../runner/runChecked.js';
import { assertPgCtlPath } from './pgCtlPath.js';

/**
 * pg_ctl's shutdown modes: smart waits for every session to end, fast rolls
 * back open transactions and writes the shutdown checkpoint (the walsenders
 * send every WAL record up to and including it before they exit), immediate
 * skips the checkpoint (crash recovery at the next start).
 */
export type ShutdownMode = 'smart' | 'fast' | 'immediate';

/**
 * What pg_ctl is asked to do. start and restart take -l: without it the
 * postmaster inherits pg_ctl's stdout, and whoever reads that pipe (the
 * runner, an ssh channel) waits for it to close, which is never. waitSeconds
 * is -t, how long -w waits (pg_ctl's own default: 60 s).
 */
export type PgCtlRequest =
  | { action: 'start'; logFile: string; waitSeconds: number }
  | { action: 'stop'; mode: ShutdownMode; waitSeconds?: number }
  | { action: 'restart'; logFile: string; mode: ShutdownMode; waitSeconds: number }
  | { action: 'status' };

/** pg_ctl in the node's binary directory, or from PATH when none is configured. */
export function pgCtlProgram(pgBinDir: string | undefined): string {
  return pgBinDir ? path.join(pgBinDir, 'pg_ctl') : 'pg_ctl';
}

/**
 * pg_ctl's whole argv for a request: the one place pgcockpit spells it, for
 * the sandbox and the runbooks alike (a runbook step shows it in its plan).
 */
export function pgCtlArgv(pgBinDir: string | undefined, dataDir: string, request: PgCtlRequest): string[] {
  const wait = (seconds: number | undefined) => ['-w', ...(seconds === undefined ? [] : ['-t', String(seconds)])];
  const head = [pgCtlProgram(pgBinDir), '-D', dataDir];
  switch (request.action) {
    case 'start':
      return [...head, '-l', request.logFile, ...wait(request.waitSeconds), 'start'];
    case 'stop':
      return [...head, '-m', request.mode, ...wait(request.waitSeconds), 'stop'];
    case 'restart':
      return [...head, '-l', request.logFile, '-m', request.mode, ...wait(request.waitSeconds), 'restart'];
    case 'status':
      return [...head, 'status'];
  }
}

/** A data directory and the runner (this machine or ssh, as its OS user) that reaches it. */
export interface PgCtlTarget {
  pgBinDir: string;
  dataDir: string;
  runner: Runner;
  onLine?: (line: OutputLine) => void;
}

/** pg_ctl hands the binary's directory, the data directory and the log file to a shell (see pgCtlPath). */
function pgCtlSpec(target: PgCtlTarget, request: PgCtlRequest) {
  assertPgCtlPath('PostgreSQL binary directory', target.pgBinDir);
  assertPgCtlPath('data directory', target.dataDir);
  if (request.action === 'start' || request.action === 'restart') assertPgCtlPath('server log file', request.logFile);
  const [program = 'pg_ctl', ...args] = pgCtlArgv(target.pgBinDir, target.dataDir, request);
  return { program, args, mutating: request.action !== 'status' };
}

/** Starts the server and waits until it accepts connections (pg_ctl -w). */
export async function pgCtlStart(target: PgCtlTarget, logFile: string, timeoutSeconds = 60): Promise<void> {
  await runChecked(target.runner, pgCtlSpec(target, { action: 'start', logFile, waitSeconds: timeoutSeconds }), target.onLine);
}

/** Stops the server in `mode` and waits (pg_ctl's default 60 s) until it is down. */
export async function pgCtlStop(target: PgCtlTarget, mode: ShutdownMode = 'fast'): Promise<void> {
  await runChecked(target.runner, pgCtlSpec(target, { action: 'stop', mode }), target.onLine);
}

/** pg_ctl status: exit 0 running, 3 not running, 4 no data directory. */
export async function pgCtlIsRunning(target: PgCtlTarget): Promise<boolean> {
  const { result } = await runCollected(target.runner, pgCtlSpec(target, { action: 'status' }));
  return result.exitCode === 0;
}

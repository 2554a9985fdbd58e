import path from 'node:path';
import type { OutputLine, Runner } from '../runner/runner.js';
import { runChecked, runCollected } from '../runner/runChecked.js';
import { assertPgCtlPath } from './pgCtlPath.js';

/** A data directory and the runner (this machine or ssh, as its OS user) that reaches it. */
export interface PgCtlTarget {
  pgBinDir: string;
  dataDir: string;
  runner: Runner;
  onLine?: (line: OutputLine) => void;
}

/** pg_ctl hands the binary's directory, the data directory and the log file to a shell (see pgCtlPath). */
function pgCtlSpec(target: PgCtlTarget, args: string[], mutating: boolean) {
  assertPgCtlPath('PostgreSQL binary directory', target.pgBinDir);
  assertPgCtlPath('data directory', target.dataDir);
  return { program: path.join(target.pgBinDir, 'pg_ctl'), args: ['-D', target.dataDir, ...args], mutating };
}

/** Starts the server and waits until it accepts connections (pg_ctl -w). */
export async function pgCtlStart(target: PgCtlTarget, logFile: string, timeoutSeconds = 60): Promise<void> {
  assertPgCtlPath('server log file', logFile);
  await runChecked(target.runner, pgCtlSpec(target, ['-l', logFile, '-w', '-t', String(timeoutSeconds), 'start'], true), target.onLine);
}

/** Stops the server; `fast` rolls back open transactions, `immediate` skips the shutdown checkpoint. */
export async function pgCtlStop(target: PgCtlTarget, mode: 'smart' | 'fast' | 'immediate' = 'fast'): Promise<void> {
  await runChecked(target.runner, pgCtlSpec(target, ['-m', mode, '-w', 'stop'], true), target.onLine);
}

/** pg_ctl status: exit 0 running, 3 not running, 4 no data directory. */
export async function pgCtlIsRunning(target: PgCtlTarget): Promise<boolean> {
  const { result } = await runCollected(target.runner, pgCtlSpec(target, ['status'], false));
  return result.exitCode === 0;
}

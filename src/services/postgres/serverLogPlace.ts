import path from 'node:path';
import type { NodeConfig } from '../config/schema.js';
import { runCollected } from '../runner/runChecked.js';
import type { CommandSpec, Runner } from '../runner/runner.js';
import { pgCtlPathProblem } from './pgCtlPath.js';

/**
 * Where a server pgcockpit starts with `pg_ctl start -l FILE` goes on
 * logging. A server that is stopped and started again by pgcockpit (the old
 * primary rejoining after a switchover, a PostgreSQL 12 standby restarted to
 * re-read primary_conninfo) must keep logging where it logged before, or
 * the DBA looks for its next error in the old place and finds nothing.
 */
export interface ServerLogPlace {
  /** The file pg_ctl's -l names. */
  file: string;
  /** Why that file, in a sentence for the plan's check line. */
  source: string;
  /** logging_collector is on: the log proper stays in this directory, and `file` gets only the lines before the collector starts. */
  collectorDir?: string;
}

/** The file pg_ctl's -l gets when a logging collector writes the log: beside it, the few lines written before the collector runs. */
export const COLLECTOR_START_LOG = 'startup.log';

/**
 * Where `node`'s server logs, read on its host as its OS user, changing
 * nothing; in this order:
 * 1. `serverLog` in the config (the DBA said where);
 * 2. the logging collector (postgres -C logging_collector, log_directory:
 *    what the server reads from postgresql.conf, its includes and
 *    postgresql.auto.conf): the log stays in log_directory whatever -l says,
 *    and -l gets log_directory/startup.log;
 * 3. the file its running postmaster's stderr is open on now
 *    (/proc/PID/fd/2, PID from postmaster.pid): the -l of whoever started it;
 * 4. else `fallback` (pgcockpit's own <parent of dataDir>/server.log).
 * Undefined for a node with its own service.start: pgcockpit does not choose there.
 */
export async function readServerLogPlace(node: NodeConfig, runner: Runner, fallback: string): Promise<ServerLogPlace | undefined> {
  if (node.service?.start) return undefined;
  const dataDir = node.dataDir;
  const collectorDir = dataDir ? await loggingCollectorDir(node, dataDir, runner) : undefined;
  if (node.serverLog) {
    return { file: node.serverLog, source: 'nodes[].serverLog in the config', ...(collectorDir ? { collectorDir } : {}) };
  }
  if (collectorDir) {
    const file = path.join(collectorDir, COLLECTOR_START_LOG);
    if (pgCtlPathProblem(file) === undefined) {
      return { file, source: `logging_collector is on: its log stays in ${collectorDir} (log_directory); -l gets only the lines before the collector starts`, collectorDir };
    }
  }
  const stderr = dataDir ? await postmasterStderr(dataDir, runner) : undefined;
  if (stderr) return { file: stderr, source: 'the file its running server writes its log to now (the postmaster\'s stderr)' };
  return { file: fallback, source: `nothing says where it logs (no logging_collector, no log file open${dataDir ? '' : ', no dataDir'}): pgcockpit's default; set nodes[].serverLog to choose` };
}

/** log_directory, made absolute against the data directory, when logging_collector is on; else undefined. */
async function loggingCollectorDir(node: NodeConfig, dataDir: string, runner: Runner): Promise<string | undefined> {
  const setting = async (name: string) => {
    const run = await collect(runner, { program: tool(node, 'postgres'), args: ['-D', dataDir, '-C', name], mutating: false, timeoutMs: 30_000 });
    return run?.exitCode === 0 ? run.stdout.trim() : undefined;
  };
  if ((await setting('logging_collector')) !== 'on') return undefined;
  const dir = await setting('log_directory');
  return dir ? path.resolve(dataDir, dir) : undefined;
}

/**
 * The regular file the running postmaster's stderr is open on (Linux's
 * /proc): what pg_ctl -l, a service's redirection or a wrapper gave it.
 * Undefined when no server runs, when it is not a file (a pipe to a logging
 * collector, a socket to journald, /dev/null), or when the path could not be
 * handed to pg_ctl safely.
 */
async function postmasterStderr(dataDir: string, runner: Runner): Promise<string | undefined> {
  const pidFile = await collect(runner, { program: 'cat', args: [path.join(dataDir, 'postmaster.pid')], mutating: false, timeoutMs: 30_000 });
  const pid = pidFile?.exitCode === 0 ? Number(pidFile.stdout.split('\n')[0]) : NaN;
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const link = await collect(runner, { program: 'readlink', args: [`/proc/${pid}/fd/2`], mutating: false, timeoutMs: 30_000 });
  const target = link?.exitCode === 0 ? link.stdout.trim() : '';
  if (!target.startsWith('/') || target.startsWith('/dev/') || target.endsWith(' (deleted)')) return undefined;
  return pgCtlPathProblem(target) === undefined ? target : undefined;
}

function tool(node: NodeConfig, name: string): string {
  return node.pgBinDir ? path.join(node.pgBinDir, name) : name;
}

/** runCollected that reads a runner that cannot start the program as "no answer". */
async function collect(runner: Runner, spec: CommandSpec): Promise<{ exitCode: number | null; stdout: string } | undefined> {
  try {
    const run = await runCollected(runner, spec);
    return { exitCode: run.result.exitCode, stdout: run.stdout };
  } catch {
    return undefined;
  }
}

/**
 * Where a running server logs, as its settings say (the live view's
 * snapshot): its logging collector's directory, or its stderr, whose file
 * only the host knows (the -l of whoever started it; pgcockpit's own start
 * uses nodes[].serverLog, else <parent of dataDir>/server.log). Undefined
 * when the role may not read the settings (log_directory needs pg_monitor).
 */
export function describeServerLog(settings: Readonly<Record<string, string>>): string | undefined {
  const collector = settings.logging_collector;
  if (collector === 'on') {
    const dir = settings.log_directory;
    if (dir === undefined) return 'logging_collector on (log_directory not visible to this role)';
    const dataDir = settings.data_directory;
    const where = path.isAbsolute(dir) ? dir : dataDir ? path.join(dataDir, dir) : `${dir} in its data directory`;
    return `${where}/ (logging_collector)`;
  }
  if (collector === 'off') return 'stderr, no logging_collector (the file its pg_ctl -l or its service names)';
  return undefined;
}

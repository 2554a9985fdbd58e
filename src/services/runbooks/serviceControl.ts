import path from 'node:path';
import type { NodeConfig } from '../config/schema.js';
import type { PgCtlRequest } from '../postgres/pgCtl.js';
import type { ServerLogPlace } from '../postgres/serverLogPlace.js';
import { pgCtlArgv } from '../postgres/pgCtl.js';
import type { CommandSpec } from '../runner/runner.js';

export type ServiceAction = 'start' | 'stop' | 'restart' | 'status';

/**
 * Where `pg_ctl start` sends the server's output when the node has no start
 * command of its own: the node's serverLog (configured, or learned from where
 * the server logs now: see postgres/serverLogPlace.ts), else next to the data
 * directory (the sandbox's server.log), not inside it, so a later
 * pg_basebackup does not copy it. pg_ctl start needs -l: without it the
 * postmaster keeps the runner's stdout pipe open and the command would never end.
 */
export function serverLogFile(node: Pick<NodeConfig, 'dataDir' | 'serverLog'>): string {
  return node.serverLog ?? defaultServerLogFile(node);
}

/** <parent of dataDir>/server.log: where pgcockpit's pg_ctl start logs when nothing says otherwise. */
export function defaultServerLogFile(node: Pick<NodeConfig, 'dataDir'>): string {
  return path.join(path.dirname(node.dataDir ?? '.'), 'server.log');
}

/** The node as pgcockpit starts it: with the log file learned from its host (readServerLogPlace), when one was. */
export function withServerLog(node: NodeConfig, place: ServerLogPlace | undefined): NodeConfig {
  return place ? { ...node, serverLog: place.file } : node;
}

/** A PostgreSQL program on the node's host: in its pgBinDir when the config names one, else found on PATH. */
export function pgTool(node: Pick<NodeConfig, 'pgBinDir'>, tool: string): string {
  return node.pgBinDir ? path.join(node.pgBinDir, tool) : tool;
}

/**
 * pg_ctl's request for an action on a runbook's node. stop is fast: open
 * transactions are rolled back and the shutdown checkpoint is written; the
 * walsenders send every WAL record up to and including it before they exit.
 * start and restart log to serverLogFile.
 */
function pgCtlRequest(node: NodeConfig, action: ServiceAction): PgCtlRequest {
  switch (action) {
    case 'start':
      return { action, logFile: serverLogFile(node), waitSeconds: 120 };
    case 'stop':
      return { action, mode: 'fast', waitSeconds: 300 };
    case 'restart':
      return { action, logFile: serverLogFile(node), mode: 'fast', waitSeconds: 120 };
    case 'status':
      return { action };
  }
}

/**
 * The command that starts, stops, restarts or asks the status of a node's
 * server, run through its Runner as its osUser: the node's configured
 * `service` argv when given (its placeholders {dataDir}, {pgBinDir} and
 * {node} filled in), else pg_ctl's argv as src/services/postgres/pgCtl.ts
 * spells it.
 */
export function serviceCommand(node: NodeConfig, action: ServiceAction): CommandSpec {
  const fill = (arg: string) =>
    arg.replaceAll('{dataDir}', node.dataDir ?? '').replaceAll('{pgBinDir}', node.pgBinDir ?? '').replaceAll('{node}', node.name);
  const configured = node.service?.[action];
  const argv = configured ? configured.map(fill) : pgCtlArgv(node.pgBinDir, node.dataDir ?? '', pgCtlRequest(node, action));
  const [program = 'pg_ctl', ...args] = argv;
  return { program, args, mutating: action !== 'status', timeoutMs: action === 'status' ? 30_000 : 330_000 };
}

/**
 * pg_controldata on the node's data directory. LC_ALL=C: its labels
 * ("Latest checkpoint location:", "Database cluster state:") are translated
 * otherwise.
 */
export function controlDataCommand(node: NodeConfig): CommandSpec {
  return { program: pgTool(node, 'pg_controldata'), args: ['-D', node.dataDir ?? ''], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 };
}

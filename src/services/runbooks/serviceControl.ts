import path from 'node:path';
import type { NodeConfig } from '../config/schema.js';
import type { CommandSpec } from '../runner/runner.js';

export type ServiceAction = 'start' | 'stop' | 'restart' | 'status';

/**
 * Where `pg_ctl start` sends the server's output when the node has no start
 * command of its own: next to the data directory (the sandbox's server.log),
 * not inside it, so a later pg_basebackup does not copy it. pg_ctl start
 * needs -l: without it the postmaster keeps the runner's stdout pipe open and
 * the command would never end.
 */
export function serverLogFile(node: Pick<NodeConfig, 'dataDir'>): string {
  return path.join(path.dirname(node.dataDir ?? '.'), 'server.log');
}

function pgTool(node: Pick<NodeConfig, 'pgBinDir'>, tool: string): string {
  return node.pgBinDir ? path.join(node.pgBinDir, tool) : tool;
}

/** pg_ctl's argv for an action, with the placeholders still in. */
function defaultArgv(node: NodeConfig, action: ServiceAction): string[] {
  const pgCtl = pgTool(node, 'pg_ctl');
  switch (action) {
    case 'start':
      return [pgCtl, '-D', '{dataDir}', '-l', serverLogFile(node), '-w', '-t', '120', 'start'];
    // fast: open transactions are rolled back and the shutdown checkpoint is written; the
    // walsenders send every WAL record up to and including it before they exit.
    case 'stop':
      return [pgCtl, '-D', '{dataDir}', '-m', 'fast', '-w', '-t', '300', 'stop'];
    // -l as for start: without it the restarted postmaster keeps the runner's pipe (over ssh, the channel) open.
    case 'restart':
      return [pgCtl, '-D', '{dataDir}', '-l', serverLogFile(node), '-m', 'fast', '-w', '-t', '120', 'restart'];
    case 'status':
      return [pgCtl, '-D', '{dataDir}', 'status'];
  }
}

/**
 * The command that starts, stops, restarts or asks the status of a node's
 * server, run through its Runner as its osUser: the node's configured
 * `service` argv when given, else pg_ctl -D {dataDir}. Placeholders
 * {dataDir}, {pgBinDir} and {node} are filled in.
 */
export function serviceCommand(node: NodeConfig, action: ServiceAction): CommandSpec {
  const fill = (arg: string) =>
    arg.replaceAll('{dataDir}', node.dataDir ?? '').replaceAll('{pgBinDir}', node.pgBinDir ?? '').replaceAll('{node}', node.name);
  const argv = (node.service?.[action] ?? defaultArgv(node, action)).map(fill);
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

/** A command as one line for a plan; arguments with spaces or quotes are single-quoted. */
export function formatCommand(spec: Pick<CommandSpec, 'program' | 'args'>): string {
  return [spec.program, ...spec.args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}

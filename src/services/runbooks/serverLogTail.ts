import path from 'node:path';
import type { NodeConfig } from '../config/schema.js';
import type { StepContext } from './plan.js';
import { serverLogFile } from './serviceControl.js';

/**
 * The last error a node's server wrote to its log ("FATAL: password
 * authentication failed for user ..."), read through its host's runner. The
 * log is where its service puts it: pg_current_logfile() when the logging
 * collector runs, else the file pgcockpit's own pg_ctl start writes to.
 * Undefined when neither can be read; never throws.
 */
export async function lastServerError(ctx: StepContext, node: NodeConfig): Promise<string | undefined> {
  let file: string | undefined;
  try {
    const [row] = await ctx.sql<{ file: string | null; dir: string }>(node.name, "select pg_current_logfile() as file, current_setting('data_directory') as dir", { mutating: false });
    if (row?.file) file = path.isAbsolute(row.file) ? row.file : path.join(row.dir, row.file);
  } catch {
    // Not connected, or the role may not call pg_current_logfile(): fall back to the start command's log.
  }
  if (!file && !node.service?.start && node.dataDir) file = serverLogFile(node);
  if (!file) return undefined;
  try {
    const text = await ctx.command(node.name, { program: 'tail', args: ['-n', '300', file], mutating: false, timeoutMs: 10_000 }, { logStdout: false });
    return lastErrorLine(text);
  } catch {
    return undefined;
  }
}

/** The last FATAL, PANIC or ERROR line of a server log's text. */
export function lastErrorLine(text: string): string | undefined {
  return text
    .split('\n')
    .filter((line) => /\b(FATAL|PANIC|ERROR):/.test(line))
    .at(-1)
    ?.trim();
}

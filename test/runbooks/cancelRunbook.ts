import { execa } from 'execa';
import { appendFile, chmod, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';

/**
 * A test runbook for cancel and undo, on node pg1's host (local or over ssh):
 * step 1 writes "made" into a log file (its undo writes "undo 1"), step 2
 * runs a long `sleep` no other test runs (its undo writes "undo 2"), step 3
 * writes "step 3". Every line is written by the step's command, as the
 * node's OS user, so the log says what ran where and in which order.
 */
export interface CancelRunbook {
  plan: Plan;
  /** The long command's command line, for pgrep -f / ps. */
  sleepLine: string;
  /** What the steps and undos wrote, one line each, in order. */
  written(): Promise<string[]>;
  /** Lets a step waiting for it go on (the non-cancellable variant). */
  go(): Promise<void>;
  dir: string;
}

export async function cancelRunbook(options: { secondCancellable: boolean; retryCommand?: string }): Promise<CancelRunbook> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-cancel-'));
  await chmod(dir, 0o777); // the steps run as postgres
  const log = path.join(dir, 'log');
  const goFile = path.join(dir, 'go');
  const seconds = `300.${String(Math.random()).slice(2, 12)}`;
  const sleepLine = `sleep ${seconds}`;
  const write = (node: string, description: string, text: string): PlanStep => {
    const script = `echo '${text}' >> '${log}'`;
    return {
      node,
      description,
      detail: script,
      mutating: true,
      async run(ctx) {
        await ctx.command(node, { program: 'sh', args: ['-c', script], mutating: true });
        return text;
      },
    };
  };
  // The long step: a sleep that a cancel kills (its shell too: the process group), or, not cancellable, a wait for `go`.
  const long = options.secondCancellable ? `${sleepLine}; echo slept >> '${log}'` : `echo waiting; while [ ! -e '${goFile}' ]; do sleep 0.05; done; echo 'long done' >> '${log}'`;
  const plan: Plan = {
    title: 'test runbook: copy into pg1',
    target: 'pg1',
    checks: [],
    steps: [
      { ...write('pg1', 'make the work directory', 'made'), cancellable: true, undo: [write('pg1', 'remove the work directory', 'undo 1')] },
      {
        node: 'pg1',
        description: options.secondCancellable ? 'copy the data (long)' : 'promote-like step (must finish)',
        detail: long,
        mutating: true,
        cancellable: options.secondCancellable,
        undo: () => [write('pg1', 'remove the partial copy', 'undo 2')],
        async run(ctx) {
          await ctx.command('pg1', { program: 'sh', args: ['-c', long], mutating: true });
          return 'copied';
        },
      },
      write('pg1', 'start the copy', 'step 3'),
    ],
    blocked: false,
    blockedReasons: [],
    confirmWord: 'pg1',
    warnings: [],
    ...(options.retryCommand ? { retryCommand: options.retryCommand } : {}),
  };
  return {
    plan,
    sleepLine,
    dir,
    written: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((line) => line !== ''),
    go: () => appendFile(goFile, ''),
  };
}

/** The processes whose command line holds `pattern`, as pgrep -f finds them (none: []). */
export async function pgrep(pattern: string): Promise<string[]> {
  const result = await execa('pgrep', ['-f', '-a', pattern], { reject: false });
  return String(result.stdout).split('\n').filter((line) => line !== '' && !line.includes('pgrep'));
}

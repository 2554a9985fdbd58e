import { execa } from 'execa';
import path from 'node:path';

export const CLI = path.resolve('dist/cli.js');

/** Runs the built pgcockpit command and returns its exit code and output, never throwing. */
export async function runCli(args: string[], env: Record<string, string> = {}) {
  const result = await execa('node', [CLI, ...args], { reject: false, env, stdin: 'ignore' });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * Runs the built pgcockpit command and sends it `signal` once its stdout
 * matches `when` (e.g. the line a step starts with): a DBA's Ctrl-C in the
 * middle of a plan. `signalled` says whether the moment came.
 */
export async function runCliInterrupted(args: string[], env: Record<string, string>, when: RegExp, signal: NodeJS.Signals) {
  const child = execa('node', [CLI, ...args], { reject: false, env, stdin: 'ignore' });
  let stdout = '';
  let signalled = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!signalled && when.test(stdout)) {
      signalled = true;
      child.kill(signal);
    }
  });
  const result = await child;
  return { stdout, stderr: String(result.stderr), exitCode: result.exitCode, signalled };
}

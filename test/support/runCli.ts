import { execa } from 'execa';
import path from 'node:path';

export const CLI = path.resolve('dist/cli.js');

/** Runs the built pgcockpit command and returns its exit code and output, never throwing. */
export async function runCli(args: string[], env: Record<string, string> = {}) {
  const result = await execa('node', [CLI, ...args], { reject: false, env, stdin: 'ignore' });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

import type { CommandResult, CommandSpec, OutputLine, Runner } from './runner.js';

export interface CollectedRun {
  result: CommandResult;
  stdout: string;
  stderr: string;
}

/** A command that did not exit 0, quoting the tool's last words. */
export class CommandFailedError extends Error {
  constructor(
    readonly spec: CommandSpec,
    readonly where: string,
    readonly run: CollectedRun,
  ) {
    const { result } = run;
    const how = result.timedOut
      ? 'timed out'
      : result.cancelled
        ? 'was cancelled'
        : result.signal
          ? `was killed by ${result.signal}`
          : `exited with ${result.exitCode}`;
    const tail = (run.stderr || run.stdout).trim().split('\n').slice(-5).join('\n');
    super(`${[spec.program, ...spec.args].join(' ')} (${where}) ${how}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandFailedError';
  }
}

/** Runs a command and keeps its output, for callers that read it (or quote it when it fails). */
export async function runCollected(runner: Runner, spec: CommandSpec, onLine?: (line: OutputLine) => void): Promise<CollectedRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const result = await runner.run(spec, {
    onLine: (line) => {
      (line.stream === 'stdout' ? stdout : stderr).push(line.text);
      onLine?.(line);
    },
  });
  return { result, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** Like runCollected, but anything but exit 0 is a CommandFailedError. */
export async function runChecked(runner: Runner, spec: CommandSpec, onLine?: (line: OutputLine) => void): Promise<CollectedRun> {
  const run = await runCollected(runner, spec, onLine);
  if (run.result.exitCode !== 0) throw new CommandFailedError(spec, runner.where, run);
  return run;
}

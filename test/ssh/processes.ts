import { execa } from 'execa';

/** Command lines of every process on this machine (the "remote" host of the SSH tests is this machine). */
export async function processCommandLines(): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'args=']);
  return stdout.split('\n').map((line) => line.trim());
}

/** Waits until a process whose command line is exactly `commandLine` runs (or no longer runs). */
export async function waitForProcess(commandLine: string, present: boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = (await processCommandLines()).includes(commandLine);
    if (running === present) return;
    if (Date.now() > deadline) throw new Error(`"${commandLine}" ${present ? 'never started' : 'still runs'} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A `sleep` no other test runs: `sleep 300.4711...`. */
export function uniqueSleepSeconds(): string {
  return `300.${String(Math.random()).slice(2, 12)}`;
}

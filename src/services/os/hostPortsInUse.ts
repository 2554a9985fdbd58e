import type { Runner } from '../runner/runner.js';
import { runCollected } from '../runner/runChecked.js';

/**
 * The local TCP ports some socket on a host holds (`ss -Htan exclude time-wait`: listening,
 * connected; not TIME-WAIT, which the server's SO_REUSEADDR binds over), read through its runner. A port nothing answers on
 * may still be held by a client's connection, and a server cannot bind it:
 * a connection test alone once let a recovered copy pick such a port. No
 * `ss` on the host (or no answer): undefined, and the caller falls back on
 * a connection test.
 */
export async function hostPortsInUse(runner: Runner): Promise<ReadonlySet<number> | undefined> {
  try {
    const run = await runCollected(runner, { program: 'ss', args: ['-Htan', 'exclude', 'time-wait'], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 15_000 });
    if (run.result.exitCode !== 0) return undefined;
    return portsOfSs(run.stdout);
  } catch {
    return undefined;
  }
}

/** The local ports of `ss -Htan` lines ("LISTEN 0 144 127.0.0.1:5432 0.0.0.0:*", "[::1]:5432", "*:5432"). */
export function portsOfSs(output: string): Set<number> {
  const ports = new Set<number>();
  for (const line of output.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    const port = Number(local?.slice(local.lastIndexOf(':') + 1));
    if (local?.includes(':') && Number.isInteger(port) && port > 0) ports.add(port);
  }
  return ports;
}

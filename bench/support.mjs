// Shared helpers for the benchmarks: a sandbox in a temp dir, percentiles, CPU of a process.
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSandbox } from '../dist/services/sandbox/createSandbox.js';
import { destroySandbox } from '../dist/services/sandbox/destroySandbox.js';
import { sandboxLayout } from '../dist/services/sandbox/sandboxLayout.js';
import { serverOsUser } from '../dist/services/os/osUser.js';
import { findPgBinDir } from '../dist/services/postgres/findPgBinDir.js';

export async function startBenchCluster(nodeCount = 3) {
  const osUser = await serverOsUser();
  const pgBinDir = await findPgBinDir();
  const layout = sandboxLayout(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-bench-')));
  const config = await createSandbox({ layout, nodeCount, pgBinDir, osUser });
  return { config, layout, osUser, pgBinDir, destroy: () => destroySandbox({ layout, pgBinDir, osUser, stopMode: 'immediate' }) };
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function report(name, value, unit, note = '') {
  console.log(`${name.padEnd(52)} ${String(value).padStart(10)} ${unit}${note ? `   (${note})` : ''}`);
}

import path from 'node:path';
import type { NodeConfig } from '../../config/schema.js';
import { runCollected } from '../../runner/runChecked.js';
import type { Runner } from '../../runner/runner.js';

/** What a node's host says about the directory its data directory lives in, asked as its OS user. */
export interface HostDisk {
  /** The data directory's parent: where the copy is made and the old directory is kept. */
  parent: string;
  /** Free bytes for an unprivileged user on that filesystem (df's "Available"). */
  freeBytes?: number;
  /** Who owns the parent ("postgres"): the OS user must, to move the old directory aside and create the new one. */
  owner?: string;
  /** false: there is no data directory yet (a new standby): the copy creates it. */
  dataDirExists?: boolean;
  problem?: string;
}

/**
 * `df -Pk <parent>` and `stat -c %U <parent>` on the node's host through its
 * runner, so over ssh too. POSIX df: the 4th column of the 2nd line is the
 * space available to non-root users, in 1024-byte blocks.
 */
export async function readHostDisk(node: NodeConfig, runner: Runner): Promise<HostDisk> {
  const parent = path.posix.dirname(node.dataDir ?? '/');
  try {
    const [df, stat, exists] = await Promise.all([
      runCollected(runner, { program: 'df', args: ['-Pk', parent], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 }),
      runCollected(runner, { program: 'stat', args: ['-c', '%U', parent], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 }),
      runCollected(runner, { program: 'sh', args: ['-c', 'if [ -e "$1" ]; then echo yes; else echo no; fi', 'sh', node.dataDir ?? '/'], mutating: false, timeoutMs: 30_000 }),
    ]);
    const columns = df.stdout.trim().split('\n')[1]?.trim().split(/\s+/) ?? [];
    const available = Number(columns[3]);
    const disk: HostDisk = { parent };
    if (exists.result.exitCode === 0) disk.dataDirExists = exists.stdout.trim() === 'yes';
    if (df.result.exitCode === 0 && Number.isFinite(available)) disk.freeBytes = available * 1024;
    if (stat.result.exitCode === 0 && stat.stdout.trim() !== '') disk.owner = stat.stdout.trim();
    const problems = [df.result.exitCode !== 0 ? `df: ${df.stderr.trim() || `exit ${df.result.exitCode}`}` : '', stat.result.exitCode !== 0 ? `stat: ${stat.stderr.trim() || `exit ${stat.result.exitCode}`}` : ''].filter(Boolean);
    return problems.length > 0 ? { ...disk, problem: problems.join('; ') } : disk;
  } catch (error) {
    return { parent, problem: error instanceof Error ? error.message : String(error) };
  }
}

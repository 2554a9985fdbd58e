import { runCollected } from '../runner/runChecked.js';
import type { Runner } from '../runner/runner.js';

/** What the backups host says about the `.base` folder, asked as the OS user pg_basebackup runs as. */
export interface BaseBackupFolderFacts {
  folder: string;
  exists: boolean;
  /** This user may create files in it (or, missing, create it: its nearest existing parent is writable). */
  writable: boolean;
  /** The folder itself, or its nearest existing parent when missing. */
  probe?: string;
  owner?: string;
  mode?: string;
  /** Free bytes on that filesystem for this user (df's "Available"). */
  freeBytes?: number;
  problem?: string;
}

/**
 * One sh script, as the OS user: the folder (or its nearest existing parent)
 * with `test -w -a -x`, `stat -c '%U %a'`, and POSIX `df -Pk` (4th column:
 * space available to non-root users, in 1024-byte blocks).
 */
const FOLDER_SCRIPT = [
  'p=$1',
  'if [ -d "$p" ]; then echo "exists=yes"; else echo "exists=no"; while [ ! -e "$p" ]; do p=$(dirname -- "$p"); done; fi',
  'echo "probe=$p"',
  'if [ -d "$p" ] && [ -w "$p" ] && [ -x "$p" ]; then echo "writable=yes"; else echo "writable=no"; fi',
  'stat -c "owner=%U mode=%a" -- "$p"',
  'df -Pk -- "$p" | awk \'NR == 2 { print "freeKb=" $4 }\'',
].join('\n');

/** Asks the backups host about the folder; changes nothing. */
export async function readBaseBackupFolder(runner: Runner, folder: string): Promise<BaseBackupFolderFacts> {
  try {
    const run = await runCollected(runner, { program: 'sh', args: ['-c', FOLDER_SCRIPT, 'sh', folder], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 });
    const values = new Map<string, string>();
    for (const word of run.stdout.split(/\s+/)) {
      const at = word.indexOf('=');
      if (at > 0) values.set(word.slice(0, at), word.slice(at + 1));
    }
    const probeLine = run.stdout.split('\n').find((line) => line.startsWith('probe='));
    const free = Number(values.get('freeKb'));
    return {
      folder,
      exists: values.get('exists') === 'yes',
      writable: values.get('writable') === 'yes',
      ...(probeLine ? { probe: probeLine.slice('probe='.length) } : {}),
      ...(values.has('owner') ? { owner: values.get('owner')! } : {}),
      ...(values.has('mode') ? { mode: values.get('mode')! } : {}),
      ...(Number.isFinite(free) && values.has('freeKb') ? { freeBytes: free * 1024 } : {}),
      ...(run.result.exitCode !== 0 ? { problem: run.stderr.trim().split('\n').at(-1) || `exit ${run.result.exitCode}` } : {}),
    };
  } catch (error) {
    return { folder, exists: false, writable: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

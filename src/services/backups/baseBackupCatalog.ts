import path from 'node:path';
import { runChecked } from '../runner/runChecked.js';
import type { CommandSpec, Runner } from '../runner/runner.js';
import { backupStamp } from './backupCatalog.js';
import type { BaseBackupEntry } from './baseBackupEntry.js';
import { baseBackupEntrySchema } from './baseBackupEntry.js';

/**
 * The base backups of a cluster in the catalog, read and written on the host
 * that holds the backups dir through its Runner (coreutils and sh, so over
 * ssh as well), never with node:fs: the files belong to the OS user that ran
 * pg_basebackup, on whichever host that was.
 */

/** Where one base backup goes: `<dir>/<cluster>/.base/<stamp>` (plain) or `<stamp>.tar` (tar), its entry `<stamp>.json` beside it, written first as `<stamp>.partial`. */
export interface BaseBackupPaths {
  /** "base-20261130T134501Z". */
  id: string;
  stamp: string;
  /** `<dir>/<cluster>/.base`. */
  folder: string;
  path: string;
  partial: string;
  entry: string;
}

/** The `.base` folder of a cluster's catalog (paths on the backups host: POSIX). */
export function baseBackupFolder(dir: string, cluster: string): string {
  return path.posix.join(dir, safeName(cluster), '.base');
}

/** The paths of a base backup taken at `at`. */
export function baseBackupPaths(dir: string, cluster: string, format: BaseBackupEntry['format'], at: Date): BaseBackupPaths {
  const stamp = backupStamp(at);
  const folder = baseBackupFolder(dir, cluster);
  return {
    id: `base-${stamp}`,
    stamp,
    folder,
    path: path.posix.join(folder, format === 'tar' ? `${stamp}.tar` : stamp),
    partial: path.posix.join(folder, `${stamp}.partial`),
    entry: path.posix.join(folder, `${stamp}.json`),
  };
}

/** The entry file of a base backup: `<stamp>.json` beside `<stamp>` or `<stamp>.tar`. */
export function baseBackupEntryFile(entry: Pick<BaseBackupEntry, 'path'>): string {
  return `${entry.path.replace(/\.tar$/, '')}.json`;
}

/** A cluster name as one path component, as backupCatalog names its folders: "/" and a leading "." would leave the catalog's tree. */
function safeName(name: string): string {
  return name.replace(/[/\\]/g, '_').replace(/^\./, '_');
}

/**
 * The command that writes an entry whole or not at all: the JSON on stdin
 * into a temporary name beside it, then renamed over the entry, so a reader
 * never sees half an entry. umask 027: 0640, the OS user's group may read.
 */
export function writeBaseBackupEntrySpec(entry: BaseBackupEntry): CommandSpec {
  return {
    program: 'sh',
    args: ['-c', 'umask 027; t="$1.$$.tmp"; cat > "$t" && mv -f -- "$t" "$1" || { rm -f -- "$t"; exit 1; }', 'sh', baseBackupEntryFile(entry)],
    stdin: `${JSON.stringify(baseBackupEntrySchema.parse(entry), null, 2)}\n`,
    mutating: true,
    timeoutMs: 60_000,
  };
}

/** Writes an entry through the backups host's runner (as the OS user that owns the backup), atomically. */
export async function writeBaseBackupEntry(runner: Runner, entry: BaseBackupEntry): Promise<void> {
  await runChecked(runner, writeBaseBackupEntrySpec(entry));
}

export interface BaseBackupListing {
  /** Newest first. */
  entries: BaseBackupEntry[];
  /** Entry files (or the folder) that could not be read: "<file>: <why>". */
  problems: string[];
}

const HEADER = /^==> (.+) <==$/;

/**
 * Every `.json` in the folder, each after a `==> name <==` line (as `tail`
 * heads several files); a file this user may not read says so instead. A
 * missing folder lists nothing: no base backup was taken yet.
 */
const LIST_SCRIPT = [
  '[ -e "$1" ] || exit 0',
  'cd -- "$1" || exit 3',
  'for f in *.json; do',
  '  [ -f "$f" ] || continue',
  "  printf '\\n==> %s <==\\n' \"$f\"",
  '  if [ -r "$f" ]; then cat -- "$f"; else echo "unreadable by $(id -un)"; fi',
  'done',
].join('\n');

/** The catalog's entries from the listing script's output (pure): newest first, what is not an entry reported. */
export function parseBaseBackupListing(output: string, folder: string): BaseBackupListing {
  const entries: BaseBackupEntry[] = [];
  const problems: string[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const file = path.posix.join(folder, current.name);
    const text = current.lines.join('\n').trim();
    try {
      if (text.startsWith('unreadable by ')) throw new Error(text);
      entries.push(baseBackupEntrySchema.parse(JSON.parse(text)));
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  };
  for (const line of output.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      close();
      current = { name: header[1]!, lines: [] };
    } else {
      current?.lines.push(line);
    }
  }
  close();
  entries.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
  return { entries, problems };
}

/**
 * The base backups of `cluster` under `dir`, newest first, read through the
 * backups host's runner; an unreadable entry (or folder) is reported in
 * `problems`, never fatal.
 */
export async function listBaseBackups(runner: Runner, dir: string, cluster: string): Promise<BaseBackupListing> {
  const folder = baseBackupFolder(dir, cluster);
  try {
    const run = await runChecked(runner, { program: 'sh', args: ['-c', LIST_SCRIPT, 'sh', folder], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 60_000 });
    return parseBaseBackupListing(run.stdout, folder);
  } catch (error) {
    return { entries: [], problems: [`${folder}: ${error instanceof Error ? error.message.split('\n').at(-1) : String(error)}`] };
  }
}

/** The base backup with this id ("base-<stamp>"), or an error naming the ones there are. */
export async function findBaseBackup(runner: Runner, dir: string, cluster: string, id: string): Promise<BaseBackupEntry> {
  const { entries, problems } = await listBaseBackups(runner, dir, cluster);
  const found = entries.find((entry) => entry.id === id);
  if (found) return found;
  const there = entries.length > 0 ? `; the newest: ${entries.slice(0, 5).map((entry) => entry.id).join(', ')}` : problems.length > 0 ? `: ${problems[0]}` : ': none taken yet (pgcockpit basebackup --node NODE)';
  throw new Error(`no base backup "${id}" in ${baseBackupFolder(dir, cluster)}${there}`);
}

/** Usable for recovery: pg_basebackup finished and the entry was recorded complete. */
export function isRecoverable(entry: Pick<BaseBackupEntry, 'status'>): boolean {
  return entry.status === 'complete';
}

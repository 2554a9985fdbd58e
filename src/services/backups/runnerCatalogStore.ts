import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { CommandSpec, Runner } from '../runner/runner.js';
import { runCollected } from '../runner/runChecked.js';
import type { BackupsDirFacts } from './backupsDirFacts.js';
import type { CatalogStore, EntryFile } from './catalogStore.js';

/** Runs a command on the catalog's host and resolves with its stdout; anything but exit 0 rejects with the tool's words. */
export type HostCommand = (spec: CommandSpec) => Promise<string>;

/** A HostCommand through a runner: the error is the command's last stderr lines (not the script pgcockpit sent). */
export function runnerHostCommand(runner: Runner): HostCommand {
  return async (spec) => {
    const run = await runCollected(runner, spec);
    if (run.result.exitCode === 0) return run.stdout;
    const words = run.stderr.trim().split('\n').slice(-3).join(' ');
    throw new Error(words || `${spec.program} (${runner.where}) ${run.result.timedOut ? 'timed out' : `exited with ${run.result.exitCode ?? run.result.signal}`}`);
  };
}

// Each entry file as a line "@<path>" then its text in base64 lines (the runner cuts lines at 64 KiB; base64
// never starts a line with "@" or "!"), or "!<path>" when unreadable. The glob skips folders starting with a
// dot (.base holds the base backups), as the local store does.
const READ_ENTRIES = `for f in "$1"/*/*.json; do
  [ -f "$f" ] || continue
  if [ -r "$f" ] && content=$(base64 < "$f"); then printf '@%s\\n%s\\n' "$f" "$content"; else printf '!%s\\n' "$f"; fi
done`;

// "file" or "directory", then one "<bytes>\\t<sha256>\\t<name>" line per file (a directory's files, hidden ones too).
const CHECKSUM = `set -e
line() { size=$(stat -c %s -- "$1"); sum=$(sha256sum < "$1"); printf '%s\\t%s\\t%s\\n' "$size" "\${sum%% *}" "$1"; }
if [ -d "$1" ]; then
  echo directory
  cd -- "$1"
  for f in * .[!.]* ..?*; do [ -e "$f" ] || continue; line "$f"; done
else
  echo file
  line "$1"
fi`;

// "none", "notdir\\t<path>", or "<nearest existing path>\\t<exists yes|no>\\t<writable yes|no>\\t<free blocks> <block size>".
const DIR_FACTS = `probe=$1; exists=yes
while [ ! -e "$probe" ]; do
  exists=no; parent=$(dirname -- "$probe")
  if [ "$parent" = "$probe" ]; then echo none; exit 0; fi
  probe=$parent
done
if [ ! -d "$probe" ]; then printf 'notdir\\t%s\\n' "$probe"; exit 0; fi
if [ -w "$probe" ] && [ -x "$probe" ]; then writable=yes; else writable=no; fi
printf '%s\\t%s\\t%s\\t%s\\n' "$probe" "$exists" "$writable" "$(stat -f -c '%a %S' -- "$probe" 2>/dev/null || true)"`;

const WRITE_ATOMIC = 'umask 027; cat > "$1" && mv -f -- "$1" "$2" || { rm -f -- "$1"; exit 1; }';

/** The entry files as READ_ENTRIES printed them. */
export function parseEntryFiles(stdout: string, osUser: string): EntryFile[] {
  const found: EntryFile[] = [];
  let current: { file: string; base64: string[] } | undefined;
  const close = () => {
    if (current) found.push({ file: current.file, text: Buffer.from(current.base64.join(''), 'base64').toString('utf8') });
    current = undefined;
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith('@')) {
      close();
      current = { file: line.slice(1), base64: [] };
    } else if (line.startsWith('!')) {
      close();
      found.push({ file: line.slice(1), problem: `cannot be read by ${osUser}` });
    } else if (current) {
      current.base64.push(line.trim());
    }
  }
  close();
  return found;
}

/**
 * The checksum as CHECKSUM's lines give it, computed as dumpChecksum does on
 * this machine: a file's sha256; a directory's, of its files' "sha256  name"
 * lines sorted by name.
 */
export function parseChecksum(stdout: string): { sha256: string; sizeBytes: number } {
  const [kind, ...rest] = stdout.split('\n').filter((line) => line !== '');
  const files = rest.map((line) => {
    const [size, sha256, ...name] = line.split('\t');
    if (!size || !/^\d+$/.test(size) || !sha256 || !/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`unexpected checksum line: ${JSON.stringify(line)}`);
    return { sizeBytes: Number(size), sha256, name: name.join('\t') };
  });
  const sizeBytes = files.reduce((sum, file) => sum + file.sizeBytes, 0);
  if (kind === 'file' && files.length === 1) return { sha256: files[0]!.sha256, sizeBytes };
  if (kind !== 'directory') throw new Error(`unexpected checksum output: ${JSON.stringify(stdout.slice(0, 200))}`);
  const lines = files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((file) => `${file.sha256}  ${file.name}`);
  return { sha256: createHash('sha256').update(`${lines.join('\n')}\n`).digest('hex'), sizeBytes };
}

/** The backups directory's facts as DIR_FACTS printed them (as readBackupsDir says them on this machine). */
export function parseDirFacts(dir: string, stdout: string, osUser: string): BackupsDirFacts {
  const line = stdout.split('\n').find((candidate) => candidate !== '') ?? '';
  if (line === 'none') return { dir, exists: false, writable: false, problem: 'no part of the path exists' };
  const fields = line.split('\t');
  if (fields[0] === 'notdir') return { dir, exists: false, writable: false, problem: `${fields[1]} is not a directory` };
  const [probe, exists, writable, free] = fields;
  if (!probe || (exists !== 'yes' && exists !== 'no') || (writable !== 'yes' && writable !== 'no')) throw new Error(`unexpected answer about ${dir}: ${JSON.stringify(line)}`);
  const [blocks, blockSize] = (free ?? '').split(' ').map(Number);
  const freeBytes = blocks !== undefined && blockSize !== undefined && Number.isFinite(blocks) && Number.isFinite(blockSize) ? blocks * blockSize : undefined;
  return {
    dir,
    exists: exists === 'yes',
    writable: writable === 'yes',
    ...(freeBytes !== undefined ? { freeBytes } : {}),
    ...(writable === 'yes' ? {} : { problem: `${probe} is not writable by ${osUser}` }),
  };
}

/**
 * The catalog on a node's host (backups.host), through its runner as its OS
 * user: sh and coreutils there (base64, sha256sum, stat, mv, rm, tail). A
 * file's content travels on stdin, never in argv (an entry with thousands of
 * tables is larger than one argument may be).
 */
export function runnerCatalogStore(run: HostCommand, where: string, osUser: string): CatalogStore {
  const sh = (script: string, args: readonly string[], mutating: boolean, extra: Partial<CommandSpec> = {}): CommandSpec => ({ program: 'sh', args: ['-c', script, 'sh', ...args], env: { LC_ALL: 'C' }, mutating, timeoutMs: 3600_000, ...extra });
  const failing = (what: string) => (error: unknown) => {
    throw new Error(`${what} on ${where}: ${error instanceof Error ? error.message : String(error)}`);
  };
  return {
    where,
    readEntryFiles: async (root) => parseEntryFiles(await run(sh(READ_ENTRIES, [root], false)).catch(failing(`reading the catalog in ${root}`)), osUser),
    async writeFileAtomic(file, text) {
      const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await run(sh(WRITE_ATOMIC, [temporary, file], true, { stdin: text })).catch(failing(`writing ${file}`));
    },
    async makeDir(dir) {
      await run(sh('umask 027; mkdir -p -- "$1"', [dir], true)).catch(failing(`mkdir -p ${dir}`));
    },
    async rename(from, to) {
      // -T: a directory dump replaces the name, never lands inside a directory of that name.
      await run({ program: 'mv', args: ['-T', '--', from, to], mutating: true, timeoutMs: 600_000 }).catch(failing(`mv ${from} ${path.basename(to)}`));
    },
    async remove(target) {
      await run({ program: 'rm', args: ['-rf', '--', target], mutating: true, timeoutMs: 3600_000 }).catch(failing(`rm -rf ${target}`));
    },
    checksum: async (dump) => parseChecksum(await run(sh(CHECKSUM, [dump], false)).catch(failing(`sha256 of ${dump}`))),
    tail: (file, bytes) => run({ program: 'tail', args: ['-c', String(bytes), '--', file], mutating: false, timeoutMs: 60_000 }).catch(failing(`reading the end of ${file}`)),
    dirFacts: async (dir) => parseDirFacts(dir, await run(sh(DIR_FACTS, [dir], false)).catch(failing(`looking at ${dir}`)), osUser),
  };
}

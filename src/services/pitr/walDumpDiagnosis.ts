import path from 'node:path';
import type { CommandSpec } from '../runner/runner.js';
import type { WalDumpTool } from './walDumpCommand.js';

/**
 * Why pg_waldump could not read the archive, in words a DBA can act on:
 * which pg_waldump ran (and why that one), and the WAL's own major, read
 * from its page magic. A pg_waldump of another major reads none of it (each
 * major has its own XLOG_PAGE_MAGIC) and says only "could not find a valid
 * record", which is no end of WAL and no "no commit".
 */

/**
 * XLOG_PAGE_MAGIC (src/include/access/xlog_internal.h): the first two bytes
 * of every WAL page, little-endian on disk. Read from the first segment
 * initdb wrote with each major's server.
 */
export const WAL_PAGE_MAGIC: Readonly<Record<number, number>> = { 12: 0xd101, 13: 0xd106, 14: 0xd10d, 15: 0xd110, 16: 0xd113, 17: 0xd116, 18: 0xd118 };

/** The od command that prints a segment's first two bytes (its first page's magic). */
export function pageMagicCommand(archiveDir: string, segment: string): CommandSpec {
  return { program: 'od', args: ['-A', 'n', '-t', 'x1', '-N', '2', path.posix.join(archiveDir, segment)], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 };
}

/** od's two bytes → the magic ("D106") and the major that writes it (either byte order: a big-endian server writes it the other way). */
export function walMajorOfMagic(odOutput: string): { magic: string; major?: number } | null {
  const bytes = odOutput.trim().split(/\s+/).filter(Boolean).map((hex) => Number.parseInt(hex, 16));
  if (bytes.length !== 2 || bytes.some((byte) => Number.isNaN(byte))) return null;
  const little = bytes[0]! | (bytes[1]! << 8);
  const big = (bytes[0]! << 8) | bytes[1]!;
  for (const magic of [little, big]) {
    const major = Object.entries(WAL_PAGE_MAGIC).find(([, known]) => known === magic)?.[0];
    if (major) return { magic: magic.toString(16).toUpperCase(), major: Number(major) };
  }
  return { magic: little.toString(16).toUpperCase().padStart(4, '0') };
}

/** Which pg_waldump walDumpCommand runs, and why that one. */
export interface WalDumpUsed {
  /** Its path, or "pg_waldump" when PATH has none. */
  path: string;
  /** The node's pgBinDir, the server major's directory where distributions install it, or PATH. */
  source: 'pgBinDir' | 'major' | 'PATH';
  /** `pg_waldump --version`, when it answered. */
  version?: string;
  major?: number;
}

/** The same choice as walDumpCommand's, printed: the source, the path, then its --version (nothing when it is not there). */
const WHICH = [
  'src=PATH; p=',
  'if [ -n "$1" ]; then src=pgBinDir; p=$1',
  'elif [ -n "$2" ]; then for c in "/usr/lib/postgresql/$2/bin/pg_waldump" "/usr/pgsql-$2/bin/pg_waldump"; do if [ -x "$c" ]; then p=$c; src=major; break; fi; done; fi',
  '[ -n "$p" ] || p=$(command -v pg_waldump) || p=',
  'printf "%s\\n%s\\n" "$src" "${p:-pg_waldump}"',
  'if [ -n "$p" ] && [ -x "$p" ]; then "$p" --version; fi',
  'exit 0',
].join('\n');

/** A command that says which pg_waldump `tool` runs (run only once pg_waldump has failed). */
export function walDumpWhichCommand(tool: WalDumpTool): CommandSpec {
  const binary = tool.pgBinDir ? path.posix.join(tool.pgBinDir, 'pg_waldump') : '';
  return { program: 'sh', args: ['-c', WHICH, 'sh', binary, tool.serverMajor === undefined ? '' : String(tool.serverMajor)], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 };
}

export function parseWalDumpWhich(stdout: string): WalDumpUsed | null {
  const [source, found, version] = stdout.split('\n').map((line) => line.trim());
  if ((source !== 'pgBinDir' && source !== 'major' && source !== 'PATH') || !found) return null;
  const major = version ? /\(PostgreSQL\) (\d+)/.exec(version)?.[1] : undefined;
  return { path: found, source, ...(version ? { version } : {}), ...(major ? { major: Number(major) } : {}) };
}

export interface UnreadableWal {
  /** pg_waldump's failure ("pg_waldump exited with 1: could not find a valid record after 0/1000000"). */
  failure: string;
  used: WalDumpUsed | null;
  /** The archived WAL's major, from a run segment's page magic. */
  wal: { magic: string; major?: number } | null;
  /** The archive's host, as its runner names it. */
  host: string;
  /** The node whose pgBinDir chooses the pg_waldump (none on the jump host: found by the server's major). */
  nodeName?: string;
  serverMajor?: number;
}

/** After WAL_UNREAD: pg_waldump's words, which one ran, the WAL's major, and the fix. */
export function unreadableWalText(facts: UnreadableWal): string {
  const { used, wal } = facts;
  const why = { pgBinDir: `nodes[${facts.nodeName ?? '?'}].pgBinDir`, major: `the PostgreSQL ${facts.serverMajor ?? '?'} directory`, PATH: 'PATH' };
  const ran = used ? `${used.path} (${used.version ?? 'not there, or no answer to --version'}), chosen from ${why[used.source]}` : 'one that could not be named';
  const walMajor = wal?.major ?? facts.serverMajor;
  const walText = wal ? (wal.major ? `the archived WAL is PostgreSQL ${wal.major}'s (page magic ${wal.magic})` : `the archived WAL's page magic ${wal.magic} is no known major's`) : undefined;
  const mismatch = wal?.major !== undefined && used?.major !== undefined && wal.major !== used.major ? `: each major reads only its own WAL` : '';
  const want = walMajor ? `PostgreSQL ${walMajor}'s pg_waldump` : "the server's major's pg_waldump";
  const where = walMajor ? ` (looked for in /usr/lib/postgresql/${walMajor}/bin and /usr/pgsql-${walMajor}/bin when no pgBinDir is set)` : '';
  const setBinDir = facts.nodeName ? `, or set nodes[${facts.nodeName}].pgBinDir to the bin directory that has it` : '';
  return [facts.failure, `the pg_waldump used: ${ran}`, walText ? `${walText}${mismatch}` : undefined, `install ${want} on ${facts.host}${where}${setBinDir}`].filter(Boolean).join('; ');
}

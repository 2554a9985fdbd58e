import type { HostCommand } from './runnerCatalogStore.js';
import type { PgDumpCandidate } from './pgDumpChoice.js';
import { parsePgDumpVersion } from './pgDumpChoice.js';

// The candidates in findPgDumps' order (the pgBinDir given, /usr/lib/postgresql/N/bin newest first, each PATH
// directory), each executable one asked --version: "<found in>\t<path>\t<first line it printed>".
const FIND = `ask() { [ -x "$2" ] && [ ! -d "$2" ] || return 0; printf '%s\\t%s\\t%s\\n' "$1" "$2" "$("$2" --version 2>/dev/null | head -n 1)"; }
[ -n "$1" ] && ask pgBinDir "$1/pg_dump"
for version in $(ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+(\\.[0-9]+)?$' | sort -rn); do ask installed "/usr/lib/postgresql/$version/bin/pg_dump"; done
IFS=:
for dir in $PATH; do [ -n "$dir" ] && ask PATH "$dir/pg_dump"; done
exit 0`;

/** The pg_dumps FIND listed, each file once, those whose --version reads as pg_dump's. */
export function parsePgDumpListing(stdout: string): PgDumpCandidate[] {
  const candidates: PgDumpCandidate[] = [];
  const seen = new Set<string>();
  for (const line of stdout.split('\n')) {
    const [foundIn, file, ...version] = line.split('\t');
    if ((foundIn !== 'pgBinDir' && foundIn !== 'installed' && foundIn !== 'PATH') || !file || seen.has(file.replace(/\/+/g, '/'))) continue;
    seen.add(file.replace(/\/+/g, '/'));
    const parsed = parsePgDumpVersion(version.join('\t'));
    if (parsed) candidates.push({ path: file.replace(/\/+/g, '/'), ...parsed, foundIn });
  }
  return candidates;
}

/**
 * Every pg_dump on a node's host (backups.host) that runs, with its version,
 * looked for as findPgDumps looks on this machine, in one command through its
 * runner as its OS user: its PATH is the one pg_dump would be started with.
 */
export async function findPgDumpsOnHost(run: HostCommand, pgBinDir: string | undefined): Promise<PgDumpCandidate[]> {
  const stdout = await run({ program: 'sh', args: ['-c', FIND, 'sh', pgBinDir ?? ''], env: { LC_MESSAGES: 'C' }, mutating: false, timeoutMs: 60_000 });
  return parsePgDumpListing(stdout);
}

import path from 'node:path';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { runCollected } from '../../runner/runChecked.js';
import type { CommandSpec } from '../../runner/runner.js';
import type { Plan, RunnerSource } from '../plan.js';

/** A directory a rebuild kept beside a node's data directory instead of deleting it. */
export interface KeptDirectory {
  node: string;
  path: string;
  /** data directory (moved aside before a copy), partial copy (a cancelled copy or recovery), configuration (saved before a rewind), recovered copy (pgcockpit pitr's side-by-side copy: stop its server before removing it). */
  kind: 'data directory' | 'partial copy' | 'configuration' | 'recovered copy';
  /** "20261130T134501Z": when it was kept. */
  keptAt: string;
  bytes: number | null;
}

const NAME = /\.pgcockpit-(?:(partial|conf|pitr)-)?(\d{8}T\d{6}Z)$/;

/** What kind of kept directory a path is, or null when it is not one a rebuild makes beside this data directory. */
export function keptKind(dataDir: string, candidate: string): Pick<KeptDirectory, 'kind' | 'keptAt'> | null {
  if (path.posix.dirname(candidate) !== path.posix.dirname(dataDir) || !path.posix.basename(candidate).startsWith(`${path.posix.basename(dataDir)}.pgcockpit-`)) return null;
  const match = NAME.exec(candidate);
  if (!match) return null;
  return { kind: match[1] === 'partial' ? 'partial copy' : match[1] === 'conf' ? 'configuration' : match[1] === 'pitr' ? 'recovered copy' : 'data directory', keptAt: match[2]! };
}

/** `du -sk` of every `<dataDir>.pgcockpit-*` on each node's host, as its OS user (changes nothing). */
export async function listKeptDirectories(config: CockpitConfig, runners: RunnerSource): Promise<{ kept: KeptDirectory[]; problems: string[] }> {
  const kept: KeptDirectory[] = [];
  const problems: string[] = [];
  await Promise.all(
    config.nodes
      .filter((node) => node.dataDir && path.posix.isAbsolute(node.dataDir))
      .map(async (node) => {
        const spec: CommandSpec = { program: 'sh', args: ['-c', 'for d in "$1".pgcockpit-*; do if [ -d "$d" ]; then du -sk -- "$d"; fi; done', 'sh', node.dataDir!], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 120_000 };
        try {
          const run = await runCollected(runners.forNode(node.name), spec);
          if (run.result.exitCode !== 0) problems.push(`${node.name}: ${run.stderr.trim() || `exit ${run.result.exitCode}`}`);
          for (const line of run.stdout.split('\n')) {
            const match = /^(\d+)\s+(.+)$/.exec(line.trim());
            const kind = match ? keptKind(node.dataDir!, match[2]!) : null;
            if (match && kind) kept.push({ node: node.name, path: match[2]!, ...kind, bytes: Number(match[1]) * 1024 });
          }
        } catch (error) {
          problems.push(`${node.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
  );
  kept.sort((a, b) => a.node.localeCompare(b.node) || a.keptAt.localeCompare(b.keptAt));
  return { kept, problems };
}

/** The node whose data directory a kept path sits beside, or null: nothing else may be removed. */
export function keptOwner(config: CockpitConfig, candidate: string): NodeConfig | null {
  return config.nodes.find((node) => node.dataDir && keptKind(node.dataDir, candidate) !== null) ?? null;
}

/** A one-step plan that removes one kept directory on its node's host as the OS user; confirmed by typing its name. */
export function removeKeptPlan(node: NodeConfig, kept: string): Plan {
  const name = path.posix.basename(kept);
  return {
    title: `remove ${kept} on ${node.name}'s host`,
    target: node.name,
    checks: [{ label: `${kept} is a directory a rebuild kept beside ${node.name}'s data directory`, status: 'ok', observed: keptKind(node.dataDir ?? '', kept)?.kind ?? '?' }],
    steps: [
      {
        node: node.name,
        description: `remove ${kept}`,
        detail: `rm -rf -- ${kept}   (refused while a server runs on it: a recovered copy of pgcockpit pitr is stopped first)`,
        mutating: true,
        async run(ctx) {
          // postmaster.pid's first line is the running server's pid: a live one means its files are in use.
          const remove = 'if [ -f "$1/postmaster.pid" ] && kill -0 "$(head -n 1 "$1/postmaster.pid")" 2>/dev/null; then echo "a server runs on $1: stop it first (pg_ctl -D $1 stop); nothing was removed" >&2; exit 1; fi; rm -rf -- "$1"';
          await ctx.command(node.name, { program: 'sh', args: ['-c', remove, 'sh', kept], mutating: true, timeoutMs: 3600_000 });
          return `${kept} removed`;
        },
      },
    ],
    blocked: false,
    blockedReasons: [],
    confirmWord: name,
    warnings: [`${kept} is deleted for good`],
  };
}

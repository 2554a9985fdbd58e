import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { withNodeClient } from '../postgres/connectNode.js';
import { runCollected } from '../runner/runChecked.js';
import type { NodeRunners } from '../runner/nodeRunners.js';
import { JUMP_HOST } from '../runner/nodeRunners.js';
import type { ArchiveFacts } from './archiveCheck.js';
import { archivedPath } from './archiveCheck.js';

const SETTINGS_SQL = `select name, setting, pending_restart from pg_settings where name in ('wal_level', 'archive_mode', 'archive_command', 'archive_library')`;

/** Where the archive directory is read: archive.host's runner, else the primary's when it is this machine, else the jump host's. */
export function archiveRunnerName(config: CockpitConfig, primary: NodeConfig): string {
  if (config.archive?.host) return config.archive.host;
  return primary.ssh ? JUMP_HOST : primary.name;
}

/**
 * Reads what `archive check` judges: the directory through its host's runner
 * (as the node's OS user when it is a node's), the primary's settings, and,
 * with `live`, switches out a WAL segment (after a commit, so there is one to
 * switch) and waits up to `liveTimeoutMs` for it to appear in the archive.
 */
export async function readArchiveFacts(config: CockpitConfig, primary: NodeConfig, runners: NodeRunners, options: { live: boolean; liveTimeoutMs?: number }): Promise<ArchiveFacts> {
  const runner = runners.forNode(archiveRunnerName(config, primary));
  const facts: ArchiveFacts = { settings: {}, pendingRestart: [] };
  const dir = config.archive?.dir;
  if (dir) {
    const stat = await runCollected(runner, { program: 'stat', args: ['-c', '%U %a', dir], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 30_000 }).catch((error: unknown) => ({ result: { exitCode: null }, stdout: '', stderr: String(error) }));
    const [owner, mode] = stat.stdout.trim().split(' ');
    if (stat.result.exitCode === 0 && owner && mode) facts.dir = { owner, mode };
    else facts.dirProblem = stat.stderr.trim().replace(/^stat: /, '') || 'it cannot be read';
  }
  await withNodeClient(primary, config, async (client) => {
    for (const row of (await client.query<{ name: string; setting: string; pending_restart: boolean }>(SETTINGS_SQL)).rows) {
      facts.settings[row.name] = row.setting;
      if (row.pending_restart) facts.pendingRestart.push(row.name);
    }
    if (!options.live || !dir || !facts.dir) return;
    await client.query('select txid_current()');
    const switched = (await client.query<{ segment: string }>('select pg_walfile_name(pg_switch_wal()) as segment')).rows[0]!.segment;
    const startedAt = Date.now();
    const timeout = options.liveTimeoutMs ?? 30_000;
    let arrived = false;
    while (Date.now() - startedAt < timeout) {
      const test = await runCollected(runner, { program: 'test', args: ['-f', archivedPath(dir, switched)], mutating: false, timeoutMs: 10_000 }).catch(() => undefined);
      if (test?.result.exitCode === 0) {
        arrived = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const failed = (await client.query<{ last_failed_wal: string | null }>('select last_failed_wal from pg_stat_archiver')).rows[0]?.last_failed_wal ?? null;
    facts.live = { segment: switched, arrived, waitedMs: Date.now() - startedAt, lastFailed: failed };
  });
  return facts;
}

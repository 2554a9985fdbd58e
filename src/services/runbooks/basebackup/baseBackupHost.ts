import type { CockpitConfig, NodeConfig } from '../../config/schema.js';

/**
 * Where pg_basebackup runs and the backup is written: the host of
 * backups.host's node when the config names one; else the backed-up node's
 * own host when it is this machine (no ssh). Either way through that node's
 * runner, as its OS user, so every file belongs to the account the server
 * runs as (the runbook's mistake: run as root, the copy was root's and no
 * server could start on it). A node reached over ssh with no backups.host:
 * the backups dir would be on this machine, written by whoever runs
 * pgcockpit, so it is refused with the fix.
 */
export type BaseBackupHost =
  | { ok: true; runnerName: string; node: NodeConfig; why: string }
  | { ok: false; problem: string; fix: string };

export function baseBackupHost(config: Pick<CockpitConfig, 'nodes' | 'backups'>, node: NodeConfig): BaseBackupHost {
  const named = config.backups?.host;
  if (named !== undefined) {
    const host = config.nodes.find((candidate) => candidate.name === named);
    if (host) return { ok: true, runnerName: host.name, node: host, why: `backups.host is ${host.name}: on its host (${host.ssh ? `ssh ${host.ssh.host}` : 'this machine'}) as ${host.osUser}` };
    return { ok: false, problem: `backups.host names no node ("${named}")`, fix: `set backups.host to one of ${config.nodes.map((candidate) => candidate.name).join(', ')}` };
  }
  if (!node.ssh) return { ok: true, runnerName: node.name, node, why: `${node.name} is on this machine: here as ${node.osUser}` };
  return {
    ok: false,
    problem: `${node.name} is reached over ssh (${node.ssh.host}) and the config names no backups.host: the backup would be written here by whoever runs pgcockpit, not by the server's OS user`,
    fix: `set backups.host to the node whose host holds backups.dir (pg_basebackup then runs there as that node's OS user): backups: { dir: ${config.backups?.dir ?? '/var/backups/pgcockpit'}, host: ${node.name} }`,
  };
}

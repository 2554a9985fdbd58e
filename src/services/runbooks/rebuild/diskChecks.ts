import { formatBytes } from '../../cluster/formatBytes.js';
import type { NodeConfig } from '../../config/schema.js';
import type { PreflightCheck } from '../plan.js';
import type { HostDisk } from './hostDisk.js';

/**
 * Where the copy goes, on the node's host: the data directory's parent
 * belongs to the OS user (the copy is made by it, never by root, and the old
 * directory is kept beside it), and there is room for what the method moves
 * (`moved`: the source's databases for a copy, its pg_wal for a rewind) plus
 * what must stay free (default 10% of it + 256 MiB).
 */
export function diskChecks(
  target: NodeConfig,
  disk: HostDisk,
  plan: { method: 'basebackup' | 'rewind'; source: string; moved: number | undefined; minFreeBytes?: number },
): PreflightCheck[] {
  const rewind = plan.method === 'rewind';
  const owner: PreflightCheck =
    disk.owner === undefined
      ? { label: `${disk.parent} belongs to ${target.osUser}`, status: 'warn', observed: `owner unknown: ${disk.problem ?? 'stat said nothing'}` }
      : disk.owner === target.osUser
        ? { label: `${disk.parent} belongs to ${target.osUser}`, status: 'ok', observed: `owner ${disk.owner}: ${rewind ? `${target.osUser} keeps the configuration files beside the data directory` : `the copy is made as ${target.osUser}, and the old directory kept beside it`}` }
        : {
            label: `${disk.parent} belongs to ${target.osUser}`,
            status: 'fail',
            observed: `owner ${disk.owner}: ${target.osUser} cannot move the data directory aside or create the copy there`,
            fix: `chown ${target.osUser} ${disk.parent} on ${target.host} (the copy must be made and owned by ${target.osUser}, never by root)`,
          };
  const label = `room for the copy on ${target.name}'s host`;
  const { moved } = plan;
  const needed = moved === undefined ? undefined : moved + (plan.minFreeBytes ?? Math.round(moved * 0.1) + 256 * 1024 * 1024);
  if (disk.freeBytes === undefined || moved === undefined || needed === undefined) {
    return [
      owner,
      {
        label,
        status: 'warn',
        observed: `not known (${disk.freeBytes === undefined ? (disk.problem ?? 'df said nothing') : `the size of ${plan.source}'s ${rewind ? 'pg_wal' : 'databases'}`})`,
        fix: 'check df before confirming: the old data directory stays beside the copy',
      },
    ];
  }
  const observed = `${formatBytes(disk.freeBytes)} free in ${disk.parent}, the ${rewind ? 'rewind fetches' : 'copy needs'} ${formatBytes(moved)} and ${formatBytes(needed - moved)} must stay free`;
  return [
    owner,
    disk.freeBytes >= needed
      ? { label, status: 'ok', observed }
      : { label, status: 'fail', observed, fix: `free ${formatBytes(needed - disk.freeBytes)} on ${target.host} (earlier kept data directories: pgcockpit cleanup), then plan again` },
  ];
}

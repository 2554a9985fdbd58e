import path from 'node:path';
import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import type { PreflightCheck } from '../runbooks/plan.js';

/** What `pgcockpit archive check` reads: the archive directory on its host, and the primary's archiving settings. */
export interface ArchiveFacts {
  /** `stat -c '%U %a'` of the archive directory, as the host's runner sees it; absent: it does not exist or cannot be read (problem). */
  dir?: { owner: string; mode: string };
  dirProblem?: string;
  /** pg_settings: wal_level, archive_mode, archive_command, archive_library (15+), and which wait for a restart. */
  settings: Record<string, string>;
  pendingRestart: string[];
  /** The live test: the segment switched out, and whether it arrived in the archive in time. */
  live?: { segment: string; arrived: boolean; waitedMs: number; lastFailed?: string | null };
}

const LEVELS = ['minimal', 'replica', 'logical'];

/**
 * The archive's checks, with what was seen: the directory exists, belongs to
 * the server's OS user and lets no one else in (0700 or 0750); wal_level is
 * replica or logical; archive_mode is on (a change waits for a restart: said);
 * an archive_command or archive_library is set; and, live, a switched-out
 * segment arrives. Pure: the facts are read elsewhere.
 */
export function archiveChecks(config: CockpitConfig, primary: NodeConfig, facts: ArchiveFacts): PreflightCheck[] {
  const checks: PreflightCheck[] = [];
  const dir = config.archive?.dir;
  const where = config.archive?.host ? `${config.archive.host}'s host` : 'this machine';
  if (!dir) {
    checks.push({ label: 'archive directory', status: 'fail', observed: 'the config names none', fix: 'set archive.dir (and archive.host when it is on a node\'s host) in the config' });
  } else if (!facts.dir) {
    checks.push({ label: `archive directory ${dir} on ${where}`, status: 'fail', observed: facts.dirProblem ?? 'it does not exist', fix: `create it as ${primary.osUser}: install -d -m 0750 -o ${primary.osUser} ${dir}` });
  } else {
    const wrongOwner = facts.dir.owner !== primary.osUser;
    const open = !['700', '750'].includes(facts.dir.mode);
    checks.push({
      label: `archive directory ${dir} on ${where}`,
      status: wrongOwner || open ? 'fail' : 'ok',
      observed: `owner ${facts.dir.owner}, mode ${facts.dir.mode}`,
      ...(wrongOwner || open ? { fix: `chown ${primary.osUser} ${dir}; chmod 0750 ${dir} (the server writes it as ${primary.osUser}; nobody else should change archived WAL)` } : {}),
    });
  }
  const setting = (name: string) => facts.settings[name];
  const restart = (name: string) => (facts.pendingRestart.includes(name) ? ' (changed, waiting for a restart)' : '');
  const level = setting('wal_level') ?? '?';
  checks.push(
    LEVELS.indexOf(level) >= 1
      ? { label: 'wal_level is replica or logical', status: 'ok', observed: `${level}${restart('wal_level')}` }
      : { label: 'wal_level is replica or logical', status: 'fail', observed: level, fix: `alter system set wal_level = replica on ${primary.name}, then restart it (a restart is needed)` },
  );
  const mode = setting('archive_mode') ?? '?';
  checks.push(
    mode === 'on' || mode === 'always'
      ? { label: 'archive_mode is on', status: facts.pendingRestart.includes('archive_mode') ? 'warn' : 'ok', observed: `${mode}${restart('archive_mode')}`, ...(facts.pendingRestart.includes('archive_mode') ? { fix: `restart ${primary.name}: archive_mode takes effect only then` } : {}) }
      : { label: 'archive_mode is on', status: 'fail', observed: mode, fix: `alter system set archive_mode = on on ${primary.name}, then restart it (archive_mode needs a restart); pgcockpit archive setup writes it` },
  );
  const command = setting('archive_command') ?? '';
  const library = setting('archive_library') ?? '';
  checks.push(
    command !== '' && command !== '(disabled)'
      ? { label: 'archive_command or archive_library is set', status: 'ok', observed: `archive_command = ${command}` }
      : library !== ''
        ? { label: 'archive_command or archive_library is set', status: 'ok', observed: `archive_library = ${library}` }
        : { label: 'archive_command or archive_library is set', status: 'fail', observed: 'neither', fix: 'pgcockpit archive setup writes a durable archive_command' },
  );
  if (facts.live) {
    const { live } = facts;
    checks.push(
      live.arrived
        ? { label: 'a switched-out segment arrives in the archive', status: 'ok', observed: `${live.segment} arrived after ${(live.waitedMs / 1000).toFixed(1)} s` }
        : {
            label: 'a switched-out segment arrives in the archive',
            status: 'fail',
            observed: `${live.segment} did not arrive within ${(live.waitedMs / 1000).toFixed(0)} s${live.lastFailed ? ` (pg_stat_archiver: last failed ${live.lastFailed})` : ''}`,
            fix: `read ${primary.name}'s server log for the archive_command's error`,
          },
    );
  }
  return checks;
}

/** The archive directory's path for `test -f`: where a segment lands. */
export function archivedPath(dir: string, segment: string): string {
  return path.posix.join(dir, segment);
}

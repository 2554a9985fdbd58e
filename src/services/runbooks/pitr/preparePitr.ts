import path from 'node:path';
import { backupStamp } from '../../backups/backupCatalog.js';
import type { BaseBackupEntry } from '../../backups/baseBackupEntry.js';
import { backupsRunnerName } from '../../backups/backupsHost.js';
import { listBaseBackups } from '../../backups/baseBackupCatalog.js';
import { catalogDir } from '../../backups/catalogDir.js';
import { sameHost } from '../../cluster/sameHost.js';
import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import { freePort } from '../../os/freePort.js';
import { hostPortsInUse } from '../../os/hostPortsInUse.js';
import { tcpAnswers } from '../../os/tcpAnswers.js';
import { archiveNodeOf } from '../../pitr/archiveNodeOf.js';
import { readRecoverableWindows } from '../../pitr/readRecoverableWindows.js';
import { withNodeClient } from '../../postgres/connectNode.js';
import type { NodeRunners } from '../../runner/nodeRunners.js';
import type { Runner } from '../../runner/runner.js';
import { createNodeRunners, JUMP_HOST } from '../../runner/nodeRunners.js';
import { runCollected } from '../../runner/runChecked.js';
import { pgTool } from '../serviceControl.js';
import { qualifiedName } from './copyBackSteps.js';
import type { CopyBackFacts, PitrFacts, PitrHostFacts, PitrOptions, PitrPlan } from './planPitr.js';
import { planPitr, resolvePitrBackup } from './planPitr.js';

/** The server's TimeZone, from the first node that answers (a time without a zone is read in it, as the copy will). */
async function readTimeZone(config: CockpitConfig, first?: string): Promise<{ zone: string; node: string; sharedBuffersBytes?: number } | { problem: string }> {
  const nodes = [...config.nodes].sort((a, b) => Number(b.name === first) - Number(a.name === first));
  const problems: string[] = [];
  for (const node of nodes) {
    try {
      // shared_buffers in bytes (its setting counts blocks): a copy beside production on its host would take as much again.
      const sql = "select current_setting('TimeZone') as zone, (select setting::bigint * current_setting('block_size')::bigint from pg_settings where name = 'shared_buffers')::text as shared";
      const rows = await withNodeClient(node, config, async (client) => (await client.query<{ zone: string; shared: string | null }>(sql)).rows, { connectTimeoutMs: 5000, statementTimeoutMs: 10_000 });
      if (rows[0]) return { zone: rows[0].zone, node: node.name, ...(rows[0].shared ? { sharedBuffersBytes: Number(rows[0].shared) } : {}) };
    } catch (error) {
      problems.push(`${node.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { problem: `no node answered (${problems.join('; ')})` };
}

/** --copy-back: the first node that answers as a primary, and whether the table is absent in the database there. */
export async function readCopyBack(config: CockpitConfig, options: Pick<PitrOptions, 'copyBack' | 'database'>): Promise<CopyBackFacts> {
  const problems: string[] = [];
  for (const node of config.nodes) {
    const database = options.database ?? node.database;
    try {
      const rows = await withNodeClient(
        { ...node, database },
        config,
        async (client) => (await client.query<{ standby: boolean; absent: boolean }>('select pg_is_in_recovery() as standby, to_regclass($1) is null as absent', [qualifiedName(options.copyBack ?? '')])).rows,
        { connectTimeoutMs: 5000, statementTimeoutMs: 10_000 },
      );
      if (rows[0] && !rows[0].standby) return { primary: node.name, database, tableAbsent: rows[0].absent };
    } catch (error) {
      problems.push(`${node.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { database: options.database ?? config.nodes[0]?.database ?? 'postgres', problem: `no node answered as the primary${problems.length > 0 ? ` (${problems.join('; ')})` : ''}` };
}

/** Where the host's machine is, for "is it the same host as the archive's": this machine, or the node's ssh host. */
function machineOf(config: CockpitConfig, runnerName: string | undefined): string {
  const node = config.nodes.find((candidate) => candidate.name === runnerName);
  return node?.ssh ? `ssh:${node.ssh.host}` : 'this machine';
}

/** The one shell look at the host, as the backup's OS user: key=value lines. */
const HOST_SCRIPT = [
  'dest="$1"; backup="$2"; format="$3"; postgres="$4"; archive="$5"; pgctl="$6"; inplace="$7"',
  'if [ -e "$dest" ]; then',
  '  if [ ! -d "$dest" ]; then echo "dest=not a directory"; elif [ -n "$(ls -A -- "$dest" 2>/dev/null)" ]; then echo "dest=non-empty"; else echo "dest=empty"; fi',
  'else',
  '  p=$(dirname -- "$dest"); while [ ! -e "$p" ]; do p=$(dirname -- "$p"); done',
  '  if [ -d "$p" ] && [ -w "$p" ]; then echo "dest=absent"; else echo "dest=parent not writable"; fi',
  'fi',
  'if [ "$format" = plain ]; then [ -f "$backup/backup_label" ] && echo "backup=present"; [ -f "$backup/postgresql.conf" ] && echo "conf=present"; else set -- "$backup"/base.tar*; [ -e "$1" ] && echo "backup=present"; fi',
  'echo "postgres=$("$postgres" --version 2>/dev/null)"',
  'if [ "$inplace" = yes ]; then "$pgctl" -D "$dest" status >/dev/null 2>&1; echo "status=$?"; p=$(dirname -- "$dest"); [ -w "$p" ] && echo "parent=writable"; fi',
  'if [ -n "$archive" ] && [ -d "$archive" ] && [ -r "$archive" ] && [ -x "$archive" ]; then',
  '  echo "archive=readable"',
  '  echo "newest=$(ls -- "$archive" | grep -E \'^[0-9A-F]{24}$\' | sort | tail -n 1)"',
  'fi',
].join('\n');

/**
 * The names a recovery uses (the new directory, where a failed one is moved,
 * where an in-place node's directory is kept) carry the UTC second; two
 * recoveries planned within one second would share them, so the first second
 * from now whose names are all free on the host is taken (one shell look).
 */
async function freeNames<T extends { stamp: string; dest: string; asideDir: string; keptDir: string }>(runner: () => Runner, namesAt: (stamp: string) => T, given: { inPlace: boolean; restoreTo: boolean }): Promise<T> {
  const now = Date.now();
  const candidates = Array.from({ length: 10 }, (_, i) => namesAt(backupStamp(new Date(now + i * 1000))));
  // The paths the plan creates: the chosen destination and the in-place node's own directory exist already and are judged by the checks.
  const created = (names: T) => [...(given.inPlace || given.restoreTo ? [] : [names.dest]), names.asideDir, ...(given.inPlace ? [names.keptDir] : [])];
  const script = 'i=0; free=1; for a in "$@"; do if [ "$a" = -- ]; then if [ $free = 1 ]; then echo $i; exit 0; fi; i=$((i + 1)); free=1; elif [ -e "$a" ]; then free=0; fi; done; echo none';
  try {
    const run = await runCollected(runner(), { program: 'sh', args: ['-c', script, 'sh', ...candidates.flatMap((names) => [...created(names), '--'])], mutating: false, timeoutMs: 30_000 });
    const index = Number(run.stdout.trim());
    return Number.isInteger(index) ? candidates[index]! : candidates[0]!;
  } catch {
    // The host does not answer: the host look that follows says so.
    return candidates[0]!;
  }
}

async function readHostFacts(config: CockpitConfig, runners: NodeRunners, backup: BaseBackupEntry, options: PitrOptions): Promise<PitrHostFacts> {
  const inPlace = options.inPlace === undefined ? undefined : config.nodes.find((node) => node.name === options.inPlace);
  const hostName = inPlace?.name ?? backup.host;
  const hostNode = config.nodes.find((node) => node.name === hostName);
  const binNode: Pick<NodeConfig, 'pgBinDir'> = hostNode ?? config.nodes.find((node) => node.name === backup.node) ?? {};
  const besideNode = hostNode?.dataDir && path.posix.isAbsolute(hostNode.dataDir) ? hostNode.dataDir : undefined;
  const namesAt = (stamp: string) => {
    const dest = inPlace ? (inPlace.dataDir ?? '') : (options.restoreTo ?? (besideNode ? `${besideNode}.pgcockpit-pitr-${stamp}` : `${backup.path.replace(/\.tar$/, '')}.pitr-${stamp}`));
    const asideDir = (inPlace || options.restoreTo === undefined) && besideNode ? `${besideNode}.pgcockpit-partial-${stamp}` : `${dest}.pgcockpit-partial-${stamp}`;
    return { stamp, dest, asideDir, keptDir: `${inPlace?.dataDir ?? ''}.pgcockpit-${stamp}` };
  };
  const { stamp, dest, asideDir } = await freeNames(() => runners.forNode(hostName), namesAt, { inPlace: inPlace !== undefined, restoreTo: options.restoreTo !== undefined });
  const address = hostName === JUMP_HOST || !hostNode ? '127.0.0.1' : hostNode.host;
  const local = machineOf(config, hostName) === 'this machine';
  const onHost = (port: number) => config.nodes.find((node) => node !== inPlace && node.port === port && machineOf(config, node.name) === machineOf(config, hostName) && (local || sameHost(node.host, address)));
  let port = inPlace?.port ?? options.port;
  if (port === undefined) {
    if (local) port = await freePort();
    else {
      const held = await hostPortsInUse(runners.forNode(hostName));
      for (let candidate = (hostNode?.port ?? 5432) + 1; candidate < (hostNode?.port ?? 5432) + 100 && port === undefined; candidate += 1) if (!onHost(candidate) && !held?.has(candidate) && !(await tcpAnswers(address, candidate, 1000))) port = candidate;
    }
  }
  const configured = port === undefined ? undefined : onHost(port);
  const answers = port !== undefined && (await tcpAnswers(address, port, 2000));
  const portTaken = port === undefined ? 'no free port found' : configured ? `${configured.name} is configured on it` : answers && !inPlace ? 'something accepts connections there' : undefined;
  const archiveDir = config.archive?.dir;
  const archiveElsewhere = archiveDir !== undefined && machineOf(config, config.archive?.host) !== machineOf(config, hostName) ? `the archive is on ${config.archive?.host ?? 'this machine'}, the recovery on ${hostName}'s host: restore_command could not read it there` : undefined;
  const facts: PitrHostFacts = {
    host: hostName,
    stamp,
    ...(inPlace ? { inPlace: { node: inPlace.name, keptDir: namesAt(stamp).keptDir, answers, running: false, parentWritable: false, sameMachine: machineOf(config, backup.host) === machineOf(config, inPlace.name) } } : {}),
    address,
    dest,
    defaultDest: !inPlace && options.restoreTo === undefined && besideNode !== undefined,
    asideDir,
    destState: 'unknown',
    port: port ?? 0,
    ...(portTaken ? { portTaken } : {}),
    backupPresent: false,
    pgCtl: pgTool(binNode, 'pg_ctl'),
    postgres: pgTool(binNode, 'postgres'),
    ...(archiveDir ? { archiveDir } : {}),
    archiveReadable: false,
    ...(archiveElsewhere ? { archiveElsewhere } : {}),
  };
  if (options.inPlace !== undefined && !inPlace) return { ...facts, problem: `--in-place ${options.inPlace}: no such node (nodes: ${config.nodes.map((node) => node.name).join(', ')})` };
  if (!path.posix.isAbsolute(dest)) return { ...facts, problem: inPlace ? `${inPlace.name}'s dataDir ${dest || '(none)'} is not an absolute path` : `--restore-to ${dest} is not an absolute path` };
  const runner = runners.forNode(hostName);
  try {
    const run = await runCollected(runner, { program: 'sh', args: ['-c', HOST_SCRIPT, 'sh', dest, backup.path, backup.format, facts.postgres, archiveDir ?? '', facts.pgCtl, inPlace ? 'yes' : 'no'], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 60_000 });
    if (run.result.exitCode !== 0) return { ...facts, problem: run.stderr.trim() || `exit ${run.result.exitCode}` };
    const said = Object.fromEntries(run.stdout.split('\n').flatMap((line) => (/^(\w+)=(.*)$/.exec(line) ? [[line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]] : [])));
    return {
      ...facts,
      destState: (said.dest as PitrHostFacts['destState'] | undefined) ?? 'unknown',
      backupPresent: said.backup === 'present',
      ...(backup.format === 'plain' ? { confPresent: said.conf === 'present' } : {}),
      ...(said.postgres ? { postgresVersion: said.postgres } : {}),
      archiveReadable: said.archive === 'readable',
      ...(said.newest ? { newestSegment: said.newest } : {}),
      // pg_ctl status: 0 a server runs on the data directory, 3 none, 4 no data directory there.
      ...(facts.inPlace ? { inPlace: { ...facts.inPlace, running: said.status === '0', parentWritable: said.parent === 'writable' } } : {}),
    };
  } catch (error) {
    return { ...facts, problem: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * One look, changing nothing: the catalog's base backups (on the backups
 * host), the recoverable windows (the archive, pg_waldump), the server's
 * TimeZone, then, once the target and the backup are known, the host
 * holding the backup (destination, port, programs, archive).
 */
export async function readPitrFacts(config: CockpitConfig, asked: string, options: PitrOptions, given: { runners?: NodeRunners } = {}): Promise<PitrFacts> {
  // Its own read-only runners unless the caller lends some (kept open: the caller closes them).
  const runners = given.runners ?? createNodeRunners(config, { readOnly: true });
  try {
    const facts: PitrFacts = { asked, backups: [], catalogProblems: [] };
    try {
      const listing = await listBaseBackups(runners.forNode(backupsRunnerName(config)), catalogDir(config), config.cluster);
      facts.backups = listing.entries;
      facts.catalogProblems = listing.problems;
    } catch (error) {
      facts.catalogProblems = [error instanceof Error ? error.message : String(error)];
    }
    const named = facts.backups.find((entry) => entry.id === asked);
    // The windows (pg_waldump on the archive's host) and the TimeZone (one connection) are read at once.
    const readWindows = async () => {
      if (config.nodes.length === 0 || facts.backups.length === 0) return;
      try {
        // The archive's node as `pgcockpit window` and the cockpit pick it (archive.host, the primary that is up, the backup's node): one window for all three.
        const archiveNode = await archiveNodeOf(config, undefined, named ? [named] : facts.backups);
        // Restore points only for a target that names one: for a time or an LSN, the last commit is all the check needs.
        facts.windows = await readRecoverableWindows(config, archiveNode, runners, named ? [named] : facts.backups, options.target?.name?.trim() ? {} : { restorePointSegments: 0 });
      } catch (error) {
        facts.windowProblem = error instanceof Error ? error.message : String(error);
      }
    };
    const [zone, copyBack] = await Promise.all([readTimeZone(config, named?.node), options.copyBack !== undefined ? readCopyBack(config, options) : Promise.resolve(undefined), readWindows()]);
    if (copyBack) facts.copyBack = copyBack;
    if ('zone' in zone) facts.timeZone = zone;
    else facts.timeZoneProblem = zone.problem;
    const { backup } = resolvePitrBackup(facts, options);
    if (backup) facts.hostFacts = await readHostFacts(config, runners, backup, options);
    return facts;
  } finally {
    if (!given.runners) await runners.close();
  }
}

/** The plan `pgcockpit pitr` and the cockpit's form both start from. */
export async function preparePitr(config: CockpitConfig, asked: string, options: PitrOptions, given: { runners?: NodeRunners } = {}): Promise<PitrPlan> {
  return planPitr(config, await readPitrFacts(config, asked, options, given), options);
}

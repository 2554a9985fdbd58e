import path from 'node:path';
import type { BaseBackupEntry } from '../backups/baseBackupEntry.js';
import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { formatLsn, parseLsn } from '../postgres/lsn.js';
import { runChecked, runCollected } from '../runner/runChecked.js';
import type { NodeRunners } from '../runner/nodeRunners.js';
import { JUMP_HOST } from '../runner/nodeRunners.js';
import type { Runner } from '../runner/runner.js';
import { backupHistoryFileName, parseBackupHistory } from './backupHistoryFile.js';
import { archiveRunnerName } from './readArchiveFacts.js';
import type { ArchiveListing, PathSegment, WindowBasis } from './recoverableWindow.js';
import { DEFAULT_SEGMENT_BYTES, finishWindow, WAL_UNREAD, windowBasis } from './recoverableWindow.js';
import type { RecoverableWindow } from './recoverableWindowTypes.js';
import type { WalDumpTool } from './walDumpCommand.js';
import { segmentRanges, serverMajor, walDumpCommand } from './walDumpCommand.js';
import type { WalDumpFacts, WalRecordFact } from './walDumpRecords.js';
import { readWalDump } from './walDumpRecords.js';
import type { WalDumpUsed } from './walDumpDiagnosis.js';
import { pageMagicCommand, parseWalDumpWhich, unreadableWalText, walDumpWhichCommand, walMajorOfMagic } from './walDumpDiagnosis.js';
import { restorePointBytesCommand, restorePointTime } from './walDumpRestorePointTime.js';

export interface WindowReadOptions {
  /** The newest segments read first for the last commit; each earlier try reads twice as many. Default 4. */
  firstSegments?: number;
  /** At most this many segments are read looking for a commit. Default 64 (1 GiB of 16 MiB segments). */
  maxCommitSegments?: number;
  /**
   * Restore points are looked for in the run's newest this-many segments.
   * Default 64. 0: none looked for, and none said missing (a PITR to a time
   * or an LSN needs no restore point; reading 64 segments for them was most
   * of its planning).
   */
  restorePointSegments?: number;
}

const HISTORY = /^[0-9A-F]{8}\.history$/;
const MAX_RESTORE_POINT_READS = 32;

/**
 * The recoverable window of every complete base backup in `backups`, from
 * the archive as the archive's host sees it (its runner, as the OS user of
 * the node it belongs to: the archived files are that user's): the listing
 * (`ls`), the timeline history files and the backups' history files (`cat`),
 * then pg_waldump on the archive's host over the newest segments of each
 * backup's gap-free run. `archiveNode` is the node whose archive it is (the
 * primary), as for `archive check`.
 */
export async function readRecoverableWindows(config: CockpitConfig, archiveNode: NodeConfig, runners: Pick<NodeRunners, 'forNode'>, backups: readonly BaseBackupEntry[], options: WindowReadOptions = {}): Promise<RecoverableWindow[]> {
  const dir = config.archive?.dir;
  if (!dir) throw new Error('the config names no archive directory: set archive.dir (and archive.host when it is on a node\'s host); pgcockpit archive setup makes one');
  const complete = backups.filter((entry) => entry.status === 'complete');
  if (complete.length === 0) return [];
  const runnerName = archiveRunnerName(config, archiveNode);
  const runner = runners.forNode(runnerName);
  // The archive's host's pg_waldump: the node's pgBinDir there; on the jump host, found by the server's major.
  const pgBinDir = runnerName === JUMP_HOST ? undefined : (config.nodes.find((node) => node.name === runnerName) ?? archiveNode).pgBinDir;
  const archive = await readArchiveListing(runner, dir);
  const newestMajor = complete.map((entry) => serverMajor(entry.serverVersion)).find((major) => major !== undefined);
  const tool: WalDumpTool = { ...(pgBinDir ? { pgBinDir } : {}), ...(newestMajor ? { serverMajor: newestMajor } : {}) };
  const reader = walReader(runner, tool, dir);
  let used: Promise<WalDumpUsed | null> | undefined;
  const windows: RecoverableWindow[] = [];
  for (const backup of complete) {
    const segmentBytes = backup.walSegmentBytes ?? DEFAULT_SEGMENT_BYTES;
    const historyName = backup.timeline !== undefined && backup.startLsn ? backupHistoryFileName(backup.timeline, backup.startLsn, segmentBytes) : null;
    const history = historyName && archive.names.includes(historyName) ? parseBackupHistory(await readFile(runner, path.posix.join(dir, historyName))) : null;
    const basis = windowBasis(backup, archive, history);
    if (basis.problem) {
      windows.push(finishWindow(basis, []));
      continue;
    }
    try {
      const commits = await lastCommitRecords(reader, basis, options);
      const pointCount = options.restorePointSegments ?? 64;
      const pointSegments = pointCount > 0 ? basis.run.slice(-pointCount) : [];
      const restorePoints = await reader.records(pointSegments, 'XLOG');
      const times = await restorePointTimes(reader, basis, restorePoints, segmentBytes);
      // Where each search began: a bound hit before the backup's end leaves WAL unread (said in the window, never taken for "none").
      const search = { commitsFromLsn: segmentStart(basis.run[commits.fromIndex], segmentBytes), restorePointsFromLsn: segmentStart(pointSegments[0], segmentBytes) };
      windows.push(finishWindow(basis, [...commits.records, ...restorePoints], times, search));
    } catch (error) {
      // Not "no commit": unknown. Which pg_waldump ran (asked once) and the WAL's own major say what to install.
      used ??= runCollected(runner, walDumpWhichCommand(tool)).then((run) => parseWalDumpWhich(run.stdout)).catch(() => null);
      const newest = basis.run.at(-1);
      const magic = newest ? await runCollected(runner, pageMagicCommand(dir, newest.name)).catch(() => undefined) : undefined;
      const why = unreadableWalText({
        failure: error instanceof Error ? error.message : String(error),
        used: await used,
        wal: magic?.result.exitCode === 0 ? walMajorOfMagic(magic.stdout) : null,
        host: runner.where,
        ...(runnerName === JUMP_HOST ? {} : { nodeName: runnerName }),
        ...(tool.serverMajor ? { serverMajor: tool.serverMajor } : {}),
      });
      windows.push({ ...finishWindow(basis, []), problem: `${WAL_UNREAD}: ${why}` });
    }
  }
  return windows;
}

/** The archive directory's names (`ls -A`, one a line) and its timeline history files. */
export async function readArchiveListing(runner: Runner, dir: string): Promise<ArchiveListing> {
  const listing = await runChecked(runner, { program: 'ls', args: ['-1A', '--', dir], env: { LC_ALL: 'C' }, mutating: false, timeoutMs: 60_000 }).catch((error: unknown) => {
    const why = error instanceof Error ? error.message.split('\n').at(-1) : String(error);
    throw new Error(`the archive directory ${dir} cannot be listed on ${runner.where}: ${why}`);
  });
  const names = listing.stdout.split('\n').filter(Boolean);
  const histories: Record<number, string> = {};
  for (const name of names.filter((candidate) => HISTORY.test(candidate))) {
    histories[Number.parseInt(name.slice(0, 8), 16)] = await readFile(runner, path.posix.join(dir, name));
  }
  return { names, histories };
}

async function readFile(runner: Runner, file: string): Promise<string> {
  return (await runChecked(runner, { program: 'cat', args: ['--', file], mutating: false, timeoutMs: 30_000 })).stdout;
}

interface WalReader {
  /** pg_waldump's records of one resource manager over consecutive run segments; reading stops at the end of WAL, as recovery would. */
  records(segments: readonly PathSegment[], rmgr: 'Transaction' | 'XLOG'): Promise<WalRecordFact[]>;
  run: Runner;
  dir: string;
}

/** pg_waldump runs, each remembered: backups on the same timeline share the archive's newest segments. */
function walReader(runner: Runner, tool: WalDumpTool, dir: string): WalReader {
  const cache = new Map<string, Promise<WalDumpFacts>>();
  return {
    run: runner,
    dir,
    async records(segments, rmgr) {
      const records: WalRecordFact[] = [];
      for (const range of segmentRanges(segments)) {
        const key = `${rmgr} ${range.first} ${range.last}`;
        if (!cache.has(key)) {
          const run = runCollected(runner, walDumpCommand(tool, dir, range, rmgr));
          cache.set(key, run.then(({ result, stdout, stderr }) => readWalDump({ exitCode: result.exitCode, stdout, stderr })));
        }
        const facts = await cache.get(key)!;
        records.push(...facts.records);
        // WAL that ends before the last timeline's range: recovery stops there too.
        if (facts.endOfWal) break;
      }
      return records;
    },
  };
}

/**
 * Reads backwards from the run's newest segments, a window twice as wide
 * each time, until one holds a commit (or the bound is reached); with the
 * index of the oldest run segment read.
 */
async function lastCommitRecords(reader: WalReader, basis: WindowBasis, options: WindowReadOptions): Promise<{ records: WalRecordFact[]; fromIndex: number }> {
  const bound = options.maxCommitSegments ?? 64;
  let width = options.firstSegments ?? 4;
  let end = basis.run.length;
  let read = 0;
  while (end > 0 && read < bound) {
    const begin = Math.max(0, end - width, end - (bound - read));
    const records = await reader.records(basis.run.slice(begin, end), 'Transaction');
    if (records.some((record) => record.kind === 'commit')) return { records, fromIndex: begin };
    read += end - begin;
    end = begin;
    width *= 2;
  }
  return { records: [], fromIndex: end };
}

/** The LSN a run segment starts at; undefined for none. */
function segmentStart(segment: PathSegment | undefined, segmentBytes: number): string | undefined {
  return segment ? formatLsn(segment.segno * BigInt(segmentBytes)) : undefined;
}

/** Each restore point's own time, read from its record in the archived segment (od), by LSN. */
async function restorePointTimes(reader: WalReader, basis: WindowBasis, records: readonly WalRecordFact[], segmentBytes: number): Promise<Record<string, string>> {
  const times: Record<string, string> = {};
  const points = records.filter((record) => record.kind === 'restorePoint').slice(-MAX_RESTORE_POINT_READS);
  for (const point of points) {
    const segno = parseLsn(point.lsn) / BigInt(segmentBytes);
    const segment = basis.run.find((candidate) => candidate.segno === segno);
    const spec = segment && restorePointBytesCommand(reader.dir, segment.name, point.lsn, segmentBytes);
    if (!spec) continue;
    const run = await runCollected(reader.run, spec).catch(() => undefined);
    const time = run?.result.exitCode === 0 ? restorePointTime(run.stdout) : null;
    if (time) times[point.lsn] = time;
  }
  return times;
}

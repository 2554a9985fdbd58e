import { formatBytes } from '../../cluster/formatBytes.js';
import type { TargetControl } from './targetControl.js';

export type RebuildMethod = 'auto' | 'basebackup' | 'rewind';
export const REBUILD_METHODS: readonly RebuildMethod[] = ['auto', 'basebackup', 'rewind'];

export interface MethodFacts {
  target: string;
  source: string;
  /** The target is a server that runs (it is stopped cleanly first). */
  running: boolean;
  control: TargetControl | undefined;
  /** The target's timeline as its server says it when up (a standby's checkpoint may still be on the timeline before); else pg_controldata's. */
  targetTimeline?: number | null | undefined;
  sourceTimeline: number | null | undefined;
  sourceMajor: number;
  /** Sum of the source's databases: what pg_basebackup copies. */
  sourceBytes: number | undefined;
  /** The source's pg_wal: pg_rewind copies all of it, whatever the divergence. */
  sourceWalBytes: number | undefined;
  /** pgcockpit's login on the source may read its files, as pg_rewind's --source-server must. */
  sourceFileAccess: { ok: boolean; detail: string } | undefined;
}

export interface MethodChoice {
  method: 'basebackup' | 'rewind';
  /** Why, with the numbers: shown as the plan's "method" check. */
  reason: string;
  /** What rules pg_rewind out (empty: it may be used). */
  rewindBlockers: string[];
  /** The target did not stop cleanly and does not run: crash recovery first (single-user). */
  needsCrashRecovery: boolean;
}

const CLEAN = new Set(['shut down', 'shut down in recovery']);

/**
 * pg_basebackup or pg_rewind. pg_rewind needs the target to have forked from
 * the source's history (a timeline before the source's), wal_log_hints or
 * data checksums, the same major version, a clean shutdown (a crashed
 * target is recovered first, single-user) and a source login that may read
 * files. Its cost follows the source's pg_wal, which it copies whole, not the
 * divergence (measured: 750 MB database, small divergence, ~1 GB of pg_wal:
 * pg_basebackup 3.2 s, pg_rewind 4.0 s); so `auto` takes it only when that
 * WAL is smaller than the databases pg_basebackup would copy.
 */
export function chooseMethod(asked: RebuildMethod, facts: MethodFacts): MethodChoice {
  const { control } = facts;
  const blockers: string[] = [];
  if (!control || control.problem) blockers.push(`${facts.target}'s pg_controldata could not be read (${control?.problem ?? 'not asked'})`);
  else {
    const timeline = facts.targetTimeline ?? control.timeline;
    if (timeline === undefined || facts.sourceTimeline == null || timeline >= facts.sourceTimeline) {
      blockers.push(`${facts.target} is on timeline ${timeline ?? '?'} and ${facts.source} on ${facts.sourceTimeline ?? '?'}: no fork to rewind`);
    }
    if (control.walLogHints === false && control.checksums === false) blockers.push(`${facts.target} has wal_log_hints off and no data checksums (pg_rewind refuses)`);
    if (control.major !== undefined && control.major !== facts.sourceMajor) blockers.push(`${facts.target} is PostgreSQL ${control.major}, ${facts.source} ${facts.sourceMajor}`);
  }
  if (facts.sourceFileAccess && !facts.sourceFileAccess.ok) blockers.push(facts.sourceFileAccess.detail);
  const needsCrashRecovery = !facts.running && control?.clusterState !== undefined && !CLEAN.has(control.clusterState);
  const basebackupCost = facts.sourceBytes === undefined ? 'the whole source' : formatBytes(facts.sourceBytes);
  if (asked === 'basebackup') return { method: 'basebackup', reason: `pg_basebackup (asked for): copies ${basebackupCost}`, rewindBlockers: blockers, needsCrashRecovery };
  if (asked === 'rewind') {
    return { method: 'rewind', reason: blockers.length > 0 ? `pg_rewind (asked for), but: ${blockers.join('; ')}` : `pg_rewind (asked for): fetches the changed blocks and ${facts.sourceWalBytes === undefined ? "the source's pg_wal" : `${formatBytes(facts.sourceWalBytes)} of the source's pg_wal`}`, rewindBlockers: blockers, needsCrashRecovery };
  }
  if (blockers.length > 0) return { method: 'basebackup', reason: `pg_basebackup, copying ${basebackupCost}: pg_rewind cannot be used (${blockers.join('; ')})`, rewindBlockers: blockers, needsCrashRecovery };
  if (facts.sourceWalBytes === undefined || facts.sourceBytes === undefined) {
    return { method: 'basebackup', reason: `pg_basebackup: the sizes to compare are unknown (${facts.sourceWalBytes === undefined ? `${facts.source}'s pg_wal` : `${facts.source}'s databases`}), and a copy is the sure way`, rewindBlockers: blockers, needsCrashRecovery };
  }
  return facts.sourceWalBytes < facts.sourceBytes
    ? { method: 'rewind', reason: `pg_rewind: it fetches ${formatBytes(facts.sourceWalBytes)} of ${facts.source}'s pg_wal plus the changed blocks, where pg_basebackup copies ${basebackupCost}`, rewindBlockers: blockers, needsCrashRecovery }
    : { method: 'basebackup', reason: `pg_basebackup: it copies ${basebackupCost}, where pg_rewind would fetch ${formatBytes(facts.sourceWalBytes)} of ${facts.source}'s pg_wal (it copies all of it) plus the changed blocks`, rewindBlockers: blockers, needsCrashRecovery };
}

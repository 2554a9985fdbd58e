import path from 'node:path';
import type { NodeConfig } from '../../config/schema.js';
import { runCollected } from '../../runner/runChecked.js';
import type { Runner } from '../../runner/runner.js';
import { controlDataCommand } from '../serviceControl.js';
import { controlDataField } from '../switchover/controlData.js';

/** What pg_rewind needs to know of the node's data directory, from pg_controldata and PG_VERSION. */
export interface TargetControl {
  /** "shut down", "in production" (crashed, or running as a primary), "shut down in recovery", "in archive recovery". */
  clusterState?: string;
  timeline?: number;
  latestCheckpointLsn?: string;
  /** "wal_log_hints setting: on". */
  walLogHints?: boolean;
  /** "Data page checksum version: 1" (0: off). */
  checksums?: boolean;
  /** The major version in PG_VERSION ("15"). */
  major?: number;
  problem?: string;
}

/** Reads pg_controldata's output (LC_ALL=C) for the rewind decision; a field it lacks stays undefined. */
export function parseTargetControl(output: string): TargetControl {
  const timeline = Number(controlDataField(output, "Latest checkpoint's TimeLineID"));
  const hints = controlDataField(output, 'wal_log_hints setting');
  const checksum = controlDataField(output, 'Data page checksum version');
  const control: TargetControl = {};
  const state = controlDataField(output, 'Database cluster state');
  if (state !== undefined) control.clusterState = state;
  if (Number.isInteger(timeline) && timeline > 0) control.timeline = timeline;
  const checkpoint = controlDataField(output, 'Latest checkpoint location');
  if (checkpoint !== undefined) control.latestCheckpointLsn = checkpoint;
  if (hints !== undefined) control.walLogHints = hints === 'on';
  if (checksum !== undefined) control.checksums = checksum !== '0';
  return control;
}

/** pg_controldata and PG_VERSION on the node's host, as its OS user; changes nothing, never throws. */
export async function readTargetControl(node: NodeConfig, runner: Runner): Promise<TargetControl> {
  const dataDir = node.dataDir ?? '';
  try {
    const [control, version] = await Promise.all([
      runCollected(runner, controlDataCommand(node)),
      runCollected(runner, { program: 'cat', args: [path.posix.join(dataDir, 'PG_VERSION')], mutating: false, timeoutMs: 30_000 }),
    ]);
    const facts = control.result.exitCode === 0 ? parseTargetControl(control.stdout) : { problem: `pg_controldata: ${control.stderr.trim() || `exit ${control.result.exitCode}`}` };
    const major = Number(version.stdout.trim());
    return Number.isInteger(major) && major > 0 ? { ...facts, major } : facts;
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}

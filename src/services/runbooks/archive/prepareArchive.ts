import type { CockpitConfig } from '../../config/schema.js';
import { archiveRunnerName, readArchiveFacts } from '../../pitr/readArchiveFacts.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import type { PlanSessions } from '../sqlSessions.js';
import type { ArchivePlan } from './planArchive.js';
import { archiveInPlace, planArchive } from './planArchive.js';

export interface ArchiveOptions {
  replace?: boolean;
  /** How long the live test step waits for the segment (default 30 s). */
  liveTimeoutMs?: number;
}

/**
 * The archive's plan for `target` (the primary: the cockpit's `A` picks it):
 * one look at the archive directory and the settings, nothing written. The
 * live test writes WAL (a commit, pg_switch_wal), so it is a step, run only
 * once the name is typed (under --read-only the engine refuses it).
 */
export async function prepareArchive(config: CockpitConfig, target: string, options: ArchiveOptions, _memory: { sessions?: PlanSessions } = {}): Promise<ArchivePlan> {
  const primary = config.nodes.find((node) => node.name === target);
  if (!primary) throw new Error(`no node named "${target}" in the config`);
  const runnerNode = archiveRunnerName(config, primary);
  const runners = createNodeRunners(config, { readOnly: true });
  try {
    const facts = await readArchiveFacts(config, primary, runners, { live: false });
    const dir = config.archive?.dir;
    // Never while planning: a key press must not write WAL on production before anything is typed. In place, the test is the plan's one step.
    const waiting = facts.pendingRestart.filter((name) => name === 'archive_mode' || name === 'wal_level');
    const inPlace = dir !== undefined && archiveInPlace(config, primary, facts);
    const noLiveTest = inPlace ? 'the step below runs it (it switches out a WAL segment, so only once confirmed)' : waiting.length > 0 ? `${waiting.join(' and ')} wait${waiting.length === 1 ? 's' : ''} for a restart of ${primary.name}` : 'archiving is not set up yet';
    return planArchive(config, primary, facts, {
      runnerNode,
      ...(options.replace ? { replace: true } : {}),
      noLiveTest,
      ...(options.liveTimeoutMs ? { liveTimeoutMs: options.liveTimeoutMs } : {}),
    });
  } finally {
    await runners.close();
  }
}

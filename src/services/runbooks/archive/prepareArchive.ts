import type { CockpitConfig } from '../../config/schema.js';
import { archivedPath } from '../../pitr/archiveCheck.js';
import { archiveRunnerName, readArchiveFacts } from '../../pitr/readArchiveFacts.js';
import { runCollected } from '../../runner/runChecked.js';
import { createNodeRunners } from '../../runner/nodeRunners.js';
import { ReadOnlyError } from '../../runner/runner.js';
import type { PlanSessions } from '../sqlSessions.js';
import { liveArchiveTest } from './liveArchiveTest.js';
import type { ArchivePlan } from './planArchive.js';
import { archiveInPlace, planArchive } from './planArchive.js';

export interface ArchiveOptions {
  replace?: boolean;
  /** How long the live test waits for the segment, while planning and as a step (default 30 s). */
  liveTimeoutMs?: number;
}

/**
 * The archive's plan for `target` (the primary: the cockpit's `A` picks it):
 * one look at the archive directory and the settings, and, when archiving is
 * in place, the live test, run over the plan's sessions because it writes
 * WAL (a commit, pg_switch_wal): under --read-only the sessions refuse it and
 * the plan says it was not run. Without sessions (nothing may run) no segment
 * is switched either.
 */
export async function prepareArchive(config: CockpitConfig, target: string, options: ArchiveOptions, memory: { sessions?: PlanSessions } = {}): Promise<ArchivePlan> {
  const primary = config.nodes.find((node) => node.name === target);
  if (!primary) throw new Error(`no node named "${target}" in the config`);
  const runnerNode = archiveRunnerName(config, primary);
  const runners = createNodeRunners(config, { readOnly: true });
  try {
    const facts = await readArchiveFacts(config, primary, runners, { live: false });
    const dir = config.archive?.dir;
    let noLiveTest: string | undefined;
    const waiting = facts.pendingRestart.filter((name) => name === 'archive_mode' || name === 'wal_level');
    if (!dir || !archiveInPlace(config, primary, facts)) noLiveTest = waiting.length > 0 ? `${waiting.join(' and ')} wait${waiting.length === 1 ? 's' : ''} for a restart of ${primary.name}` : 'archiving is not set up yet';
    else if (!memory.sessions) noLiveTest = 'this plan is only shown (it switches out a WAL segment)';
    else {
      const sessions = memory.sessions;
      try {
        facts.live = await liveArchiveTest({
          sql: (text, mutating) => sessions.query(primary.name, text, { mutating }),
          archived: async (segment) =>
            (await runCollected(runners.forNode(runnerNode), { program: 'test', args: ['-f', archivedPath(dir, segment)], mutating: false, timeoutMs: 10_000 })).result.exitCode === 0,
          timeoutMs: options.liveTimeoutMs ?? 30_000,
        });
      } catch (error) {
        if (!(error instanceof ReadOnlyError)) throw error;
        noLiveTest = 'read-only (it switches out a WAL segment)';
      }
    }
    return planArchive(config, primary, facts, {
      runnerNode,
      ...(options.replace ? { replace: true } : {}),
      ...(noLiveTest ? { noLiveTest } : {}),
      ...(options.liveTimeoutMs ? { liveTimeoutMs: options.liveTimeoutMs } : {}),
    });
  } finally {
    await runners.close();
  }
}

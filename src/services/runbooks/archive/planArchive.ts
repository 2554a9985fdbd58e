import type { CockpitConfig, NodeConfig } from '../../config/schema.js';
import type { ArchiveFacts } from '../../pitr/archiveCheck.js';
import { archiveChecks, archivedPath } from '../../pitr/archiveCheck.js';
import { planArchiveSetup } from '../../pitr/archiveSetupPlan.js';
import type { Plan, PlanStep, PreflightCheck } from '../plan.js';
import { liveArchiveTest } from './liveArchiveTest.js';

/** The archive's plan: archive setup's steps under archive check's checks, and what waits for a restart. */
export interface ArchivePlan extends Plan {
  /** The settings written that take effect only at a restart of the primary (archive_mode, wal_level). */
  restartNeeded: string[];
}

export interface ArchivePlanOptions {
  /** Write the durable archive_command over one already set (a backup tool's, the runbook's `test ! -f && cp`). */
  replace?: boolean;
  /** Where the archive directory is read and made: archiveRunnerName. */
  runnerNode: string;
  /** Why the live test was not run while planning (read-only, not set up yet); absent with facts.live: it was. */
  noLiveTest?: string;
  /** How long the live test step waits for the segment (default 30 s). */
  liveTimeoutMs?: number;
}

const LIVE_LABEL = 'a switched-out segment arrives in the archive';
const RESTART_SETTINGS = ['archive_mode', 'wal_level'];

/**
 * Whether archiving works as configured, so that a live test can pass: the
 * directory is the OS user's and closed, wal_level is replica or logical,
 * archive_mode is on and running (not waiting for a restart), and a command
 * or library is set. Only then does the planner switch a segment out.
 */
export function archiveInPlace(config: CockpitConfig, primary: NodeConfig, facts: ArchiveFacts): boolean {
  return archiveChecks(config, primary, { ...facts, live: undefined } as ArchiveFacts).every((check) => check.status === 'ok');
}

/**
 * The plan `A` shows: the checks of `pgcockpit archive check`, with what was
 * seen (a ✗ is what the steps set up), then the steps of `pgcockpit archive
 * setup` (the directory, the durable archive_command and archive_mode /
 * wal_level with ALTER SYSTEM, a reload). Refused as setup refuses (an
 * archive_command it does not overwrite, a directory owned by someone else).
 * When only reloadable settings change, a last step is the live test, so the
 * run ends with a segment seen in the archive; when archive_mode or wal_level
 * change, the run ends with the restart advice instead (pgcockpit never
 * restarts the primary for this). Everything in place: nothing to run, the
 * live test (run while planning) says it works. Pure: the facts are read
 * elsewhere.
 */
export function planArchive(config: CockpitConfig, primary: NodeConfig, facts: ArchiveFacts, options: ArchivePlanOptions): ArchivePlan {
  const setup = planArchiveSetup(config, primary, facts, { ...(options.replace ? { replace: true } : {}), runnerNode: options.runnerNode });
  const running = (name: string) => facts.settings[name] ?? '';
  const restartNeeded = [
    ...(['on', 'always'].includes(running('archive_mode')) && !facts.pendingRestart.includes('archive_mode') ? [] : ['archive_mode']),
    ...(running('wal_level') === 'minimal' || facts.pendingRestart.includes('wal_level') ? ['wal_level'] : []),
  ];
  const restartAdvice = `restart ${primary.name} in a quiet moment: ${restartNeeded.join(' and ')} take${restartNeeded.length === 1 ? 's' : ''} effect only then (pgcockpit does not restart it for this); then A again (or pgcockpit archive check) watches a segment arrive`;
  // Archiving works with a command of its own (a backup tool's, the sandbox's): nothing to change, not a refusal; --replace stays the CLI's.
  const ownCommandWorks = setup.blocked && archiveInPlace(config, primary, facts) && failedLabels(setup.checks).join() === 'archive_command';
  const setupWord = setup.checks
    .filter((check) => check.status !== 'ok' && !check.label.startsWith('archive directory'))
    .map((check): PreflightCheck =>
      check.label !== 'archive_command'
        ? check
        : {
            ...check,
            // The command itself is on the line above: said once.
            ...(ownCommandWorks ? { status: 'warn' as const, observed: "set already, not pgcockpit's durable command: kept, it archives" } : {}),
            fix: "pgcockpit archive setup --replace writes the durable command over it (it syncs each segment and the directory before and after the rename; a backup tool's command would then stop archiving for that tool)",
          },
    );
  const checks: PreflightCheck[] = [
    ...archiveChecks(config, primary, facts),
    ...(facts.live ? [] : [{ label: LIVE_LABEL, status: 'warn' as const, observed: `not tested: ${options.noLiveTest ?? 'archiving is not set up yet'}` }]),
    // Setup's own word where the checks above do not say it: an archive_command it will not overwrite, the restart.
    ...setupWord,
  ];
  const blocked = setup.blocked && !ownCommandWorks;
  const steps: PlanStep[] = setup.steps.map((step) =>
    step.description.startsWith('write the archive settings') && restartNeeded.length > 0
      ? { ...step, run: async (ctx) => (await step.run(ctx), `written and reloaded; ${restartAdvice}`) }
      : step,
  );
  const dir = config.archive?.dir;
  // The live test is always a step (it writes WAL): after the settings written, or alone when they are in place.
  if (dir && restartNeeded.length === 0 && (steps.length > 0 || (archiveInPlace(config, primary, facts) && !facts.live))) steps.push(liveTestStep(primary, dir, options));
  // Nothing for setup to change: no step, or only the live test.
  const nothing = steps.every((step) => step.description.startsWith('live test'));
  return {
    ...setup,
    title: `archive: check and set up WAL archiving on ${primary.name}`,
    checks,
    steps: blocked ? [] : steps,
    blocked,
    blockedReasons: blocked ? setup.blockedReasons : [],
    warnings: blocked
      ? []
      : nothing
        ? [
            facts.live && !facts.live.arrived
              ? 'nothing for setup to change: the settings are in place, yet the switched-out segment did not arrive (the ✗ above says where to look)'
              : `nothing to change: the archive is set up${facts.live ? ' and a switched-out segment arrived' : ''}${steps.length > 0 ? '; the step below only tests it (a segment switched out must arrive)' : ''}${restartNeeded.length > 0 ? `; ${restartAdvice}` : ''}`,
          ]
        : [
            `the ✗ checks above are what these steps set up${restartNeeded.length > 0 ? `; ${restartNeeded.join(' and ')} then wait for a restart of ${primary.name}, which pgcockpit does not do` : ''}`,
          ],
    restartNeeded,
  };
}

function failedLabels(checks: readonly PreflightCheck[]): string[] {
  return checks.filter((check) => check.status === 'fail').map((check) => check.label);
}

/** The last step when the settings took effect at the reload: a segment switched out must land in the archive directory. */
function liveTestStep(primary: NodeConfig, dir: string, options: ArchivePlanOptions): PlanStep {
  const timeoutMs = options.liveTimeoutMs ?? 30_000;
  return {
    node: primary.name,
    description: `live test: switch out a WAL segment on ${primary.name} and watch it arrive in ${dir}`,
    detail: [
      'select txid_current()',
      'select pg_walfile_name(pg_switch_wal())',
      `select last_archived_wal, last_failed_wal from pg_stat_archiver  -- until it reaches the segment, up to ${Math.round(timeoutMs / 1000)} s`,
      `test -f ${archivedPath(dir, '<segment>')}`,
    ].join('\n'),
    mutating: true,
    async run(ctx) {
      const live = await liveArchiveTest({
        sql: (text, mutating) => ctx.sql(primary.name, text, { mutating }),
        archived: (segment) =>
          ctx.command(options.runnerNode, { program: 'test', args: ['-f', archivedPath(dir, segment)], mutating: false, timeoutMs: 10_000 }).then(
            () => true,
            () => false,
          ),
        timeoutMs,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (!live.arrived) {
        throw new Error(
          `${live.segment} did not arrive in ${dir} within ${(live.waitedMs / 1000).toFixed(0)} s${live.lastFailed ? ` (pg_stat_archiver: last failed ${live.lastFailed})` : ''}; read ${primary.name}'s server log for the archive_command's error`,
        );
      }
      return `${live.segment} arrived in ${dir} after ${(live.waitedMs / 1000).toFixed(1)} s: the archive works`;
    },
  };
}

import type { RunbookEntry } from '../registry.js';
import type { ArchiveOptions } from './prepareArchive.js';
import type { ArchivePlan } from './planArchive.js';

/**
 * The WAL archive as a registry entry: `A` on the node grid (capital: `a` is
 * the alert list) shows archive check's checks with their values and archive
 * setup's steps for the primary, run after its name is typed. Its command
 * line is `pgcockpit archive setup` (and `archive check`), written by hand in
 * src/main.ts under `archive` (handWritten): they keep their own output, the
 * plan here adds the check's values and the live test around the same steps.
 */
export const archiveEntry: RunbookEntry<ArchivePlan, ArchiveOptions> = {
  kind: 'archive',
  key: 'A',
  keyHelp: {
    description:
      'archive: check WAL archiving on the primary (directory, owner, mode, wal_level, archive_mode, archive_command, a live test) and set up what is missing (A: a is the alerts)',
    footer: 'archive',
  },
  confirmVerb: 'set up its archive',
  cli: {
    name: 'archive setup',
    handWritten: true,
    description:
      "create the archive directory (the OS user's, 0750), write a durable archive_command, archive_mode on and wal_level replica when they are not (a restart is said, not done); --dry-run prints the plan",
    target: { option: '--node <node>', description: 'the node to set up (default: the primary)' },
    options: [{ flags: '--replace', description: 'write the durable command over an archive_command already set', value: 'flag', apply: () => ({ replace: true }) }],
  },
  prepare: async (config, target, options, memory) => (await import('./prepareArchive.js')).prepareArchive(config, target, options, memory?.sessions ? { sessions: memory.sessions } : {}),
  fromChoices: () => ({}),
  succeeded: (plan) =>
    plan.restartNeeded.length > 0
      ? `archive set up on ${plan.target}; restart ${plan.target} for ${plan.restartNeeded.join(' and ')} to take effect, then: pgcockpit archive check`
      : `archive set up on ${plan.target}: a switched-out segment arrived`,
};

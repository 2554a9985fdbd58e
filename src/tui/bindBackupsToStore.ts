import { AuditJournal } from '../services/audit/auditJournal.js';
import { listBackups } from '../services/backups/backupCatalog.js';
import { backupsRunnerName } from '../services/backups/backupsHost.js';
import { catalogDir } from '../services/backups/catalogDir.js';
import { catalogStoreFor } from '../services/backups/catalogStoreFor.js';
import { deleteBackup } from '../services/backups/deleteBackup.js';
import { readDumpToc } from '../services/backups/dumpToc.js';
import { verifyAndRecord } from '../services/backups/verifyBackup.js';
import type { CockpitConfig } from '../services/config/schema.js';
import { currentOsUser } from '../services/os/osUser.js';
import { archiveNodeOf } from '../services/pitr/archiveNodeOf.js';
import { readRecoverableWindows } from '../services/pitr/readRecoverableWindows.js';
import type { RunnerSource } from '../services/runbooks/plan.js';
import { toolIn, toolPlace } from '../services/runbooks/restore/restoreCommands.js';
import { localRunner } from '../services/runner/localRunner.js';
import type { NodeRunners } from '../services/runner/nodeRunners.js';
import { createNodeRunners } from '../services/runner/nodeRunners.js';
import type { Runner } from '../services/runner/runner.js';
import type { CockpitStore } from '../state/createCockpitStore.js';
import type { BackupTask } from '../state/slices/backups.js';
import { baseBackupTasks, newestFirst } from './baseBackupTasks.js';

export interface BackupsGlueOptions {
  /** The catalog's root; default the config's backups.dir. */
  dir?: string;
  /** Where pg_restore --list runs without backups.host: this machine as the DBA (the dumps are here). */
  runner?: Runner;
  /** With backups.host: the runners to reach its host (default: made here, closed by the stop). */
  runners?: RunnerSource;
  /** --read-only: verifying (it writes verifiedAt) and deleting are refused. */
  readOnly?: boolean;
  /** Where a deletion is recorded; default the operator's journal (~/.local/state/pgcockpit/audit.jsonl). */
  audit?: Pick<AuditJournal, 'recordPlan'>;
}

/**
 * The backups picker's glue: answers the store's backup tasks (read the
 * catalog, read a dump's table of contents, verify it, delete it) with the
 * services where the dumps are (this machine, or backups.host's host through
 * its runner), and writes the answers back. Returns the stop.
 */
export function bindBackupsToStore(store: CockpitStore, config: CockpitConfig, options: BackupsGlueOptions = {}): () => Promise<void> {
  const remote = config.backups?.host !== undefined;
  let own: NodeRunners | undefined;
  // Made on the first task: a cockpit whose picker is never opened reaches no host.
  const runners = (): RunnerSource => options.runners ?? (own ??= createNodeRunners(config, { readOnly: options.readOnly === true }));
  const runner = (): Runner => (remote ? runners().forNode(backupsRunnerName(config)) : (options.runner ?? localRunner(currentOsUser())));
  const catalog = () => catalogStoreFor(config, remote ? runners() : { forNode: () => runner() });
  const pending = new Set<Promise<void>>();
  let stopped = false;
  const dir = (): string => options.dir ?? catalogDir(config);
  // Base backups (pgcockpit basebackup) are rows of the picker too: read where the dumps are read.
  const base = baseBackupTasks(config, runner, runners, dir);
  const entries = async () => newestFirst((await listBackups(dir(), config.cluster, catalog())).entries, (await base.list()).entries);
  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

  const run = async (task: BackupTask): Promise<void> => {
    const state = () => store.getState();
    switch (task.action) {
      case 'list': {
        try {
          const [listing, bases] = await Promise.all([listBackups(dir(), config.cluster, catalog()), base.list()]);
          state().backupsLoaded(newestFirst(listing.entries, bases.entries), [...listing.problems, ...bases.problems]);
        } catch (error) {
          state().backupsLoaded([], [describe(error)]);
        }
        return;
      }
      case 'windows': {
        try {
          if (!config.archive?.dir) throw new Error('the config names no archive directory (archive.dir): there is no WAL to recover with');
          const backups = (await base.list()).entries;
          const windows = await readRecoverableWindows(config, await archiveNodeOf(config, undefined, backups), runners(), backups);
          state().backupWindowsLoaded(windows);
        } catch (error) {
          state().backupWindowsLoaded(null, describe(error));
        }
        return;
      }
      case 'details': {
        const entry = state().backupEntries?.find((candidate) => candidate.id === task.backupId);
        if (!entry) return;
        // A base backup's details are its entry: it has no table of contents.
        if (entry.kind === 'basebackup') return state().backupDetailLoaded(task.backupId, []);
        if (entry.format === 'plain') return state().backupDetailLoaded(task.backupId, null, 'a plain dump is an SQL script: it has no table of contents');
        try {
          state().backupDetailLoaded(task.backupId, (await readDumpToc(runner(), entry.path, pgRestoreFor(config, entry.node))).entries);
        } catch (error) {
          state().backupDetailLoaded(task.backupId, null, describe(error));
        }
        return;
      }
      case 'verify': {
        const entry = state().backupEntries?.find((candidate) => candidate.id === task.backupId);
        if (!entry) return;
        if (options.readOnly) return state().backupTaskDone(`read-only: verifying writes the result into the catalog; restart without --read-only (or: pgcockpit backups --verify ${entry.id})`);
        try {
          if (entry.kind === 'basebackup') return state().backupTaskDone(await base.verify(entry), await entries());
          const { verification } = await verifyAndRecord(entry, runner(), pgRestoreFor(config, entry.node), new Date(), catalog());
          state().backupTaskDone(
            verification.ok
              ? `✓ ${entry.id} verified: sha256 ${verification.sha256?.slice(0, 12)}… as in the catalog${verification.toc ? `, ${verification.toc.entries.length} objects read` : ''}`
              : `✗ ${entry.id} failed verification: ${verification.reasons.join('; ')}`,
            await entries(),
          );
        } catch (error) {
          state().backupTaskDone(`✗ ${entry.id}: ${describe(error)}`);
        }
        return;
      }
      case 'delete': {
        const entry = state().backupEntries?.find((candidate) => candidate.id === task.backupId);
        if (!entry) return;
        if (entry.kind === 'basebackup') return;
        if (options.readOnly) return state().backupTaskDone(`read-only: ${entry.id} is not deleted; restart without --read-only`);
        try {
          await deleteBackup(entry, catalog());
          const host = backupsRunnerName(config);
          await (options.audit ?? new AuditJournal())
            .recordPlan(`delete backup ${entry.id} of ${config.cluster}`, [{ step: 1, node: host, description: `delete ${entry.path} and its catalog entry`, detail: `rm -r ${entry.path} ${entry.path}.json` }], { node: host })
            .catch(() => undefined);
          state().backupTaskDone(`deleted ${entry.id} (${entry.path})`, await entries());
        } catch (error) {
          state().backupTaskDone(`✗ ${entry.id} not deleted: ${describe(error)}`);
        }
        return;
      }
    }
  };

  const unsubscribe = store.subscribe((state, previous) => {
    const task = state.backupTask;
    if (stopped || !task || task.id === previous.backupTask?.id) return;
    const work = run(task).catch(() => undefined);
    pending.add(work);
    void work.finally(() => pending.delete(work));
  });
  return async () => {
    stopped = true;
    unsubscribe();
    await Promise.all(pending);
    await own?.close();
  };
}

/** The pg_restore beside the dumps for a dump of that node (backups.host's pgBinDir; on this machine the node's when it is here too; else PATH's). */
function pgRestoreFor(config: CockpitConfig, nodeName: string): string {
  return toolIn(toolPlace(config, config.nodes.find((candidate) => candidate.name === nodeName) ?? {}), 'pg_restore');
}

import path from 'node:path';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import { baseBackupPaths, writeBaseBackupEntry } from '../../src/services/backups/baseBackupCatalog.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runChecked } from '../../src/services/runner/runChecked.js';
import type { HandBuiltCluster } from './handBuiltCluster.js';

/**
 * A base backup of pg1 taken the way a DBA does, with plain pg_basebackup as
 * the OS user (-X stream, fast checkpoint), into the catalog folder under
 * `backupsDir` on pg1's host, and its entry written as the basebackup runbook
 * writes one: what the PITR tests recover from without depending on that runbook.
 */
export async function baseBackupByHand(cluster: HandBuiltCluster, config: { cluster: string }, backupsDir: string): Promise<BaseBackupEntry> {
  const os = cluster.osUser;
  const startedAt = new Date();
  const paths = baseBackupPaths(backupsDir, config.cluster, 'plain', startedAt);
  const runner = localRunner(os);
  await runChecked(runner, { program: 'mkdir', args: ['-p', '-m', '0750', paths.folder], mutating: true });
  const pg1 = cluster.node('pg1');
  const pgBasebackup = path.join(cluster.pgBinDir, 'pg_basebackup');
  const copy = await runChecked(runner, {
    program: pgBasebackup,
    args: ['-h', pg1.host, '-p', String(pg1.port), '-U', 'replication', '-D', paths.path, '-X', 'stream', '-c', 'fast', '--verbose'],
    env: { PGPASSWORD: cluster.replicationPassword, LC_MESSAGES: 'C' },
    mutating: true,
  });
  const label = (await runChecked(runner, { program: 'cat', args: [path.join(paths.path, 'backup_label')], mutating: false })).stdout;
  const version = (await runChecked(runner, { program: pgBasebackup, args: ['--version'], mutating: false })).stdout.trim();
  const finishedAt = new Date().toISOString();
  const entry: BaseBackupEntry = {
    id: paths.id,
    kind: 'basebackup',
    path: paths.path,
    host: 'pg1',
    osUser: os.name,
    cluster: config.cluster,
    node: 'pg1',
    format: 'plain',
    serverVersion: String((await cluster.superQuery<{ v: string }>('pg1', "select current_setting('server_version') as v"))[0]!.v).split(' ')[0]!,
    pgBasebackupVersion: version,
    label: /LABEL: (.*)/.exec(label)![1]!,
    timeline: Number(/START TIMELINE: (\d+)/.exec(label)![1]),
    startLsn: /START WAL LOCATION: (\S+)/.exec(label)![1]!,
    endLsn: /write-ahead log end point: (\S+)/.exec(copy.stderr)![1]!,
    startTime: startedAt.toISOString(),
    endTime: finishedAt,
    startedAt: startedAt.toISOString(),
    finishedAt,
    manifest: true,
    status: 'complete',
  };
  await writeBaseBackupEntry(runner, entry);
  return entry;
}

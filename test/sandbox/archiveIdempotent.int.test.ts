import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathExists } from '../../src/services/os/pathExists.js';
import { pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { waitFor } from '../support/waitFor.js';

interface ArchiverRow {
  archived_count: string;
  failed_count: string;
  last_archived_wal: string | null;
  last_failed_wal: string | null;
}

/**
 * The sandbox's archive_command as the PostgreSQL manual advises: a segment
 * that is already in the archive with identical content is archived again
 * successfully (the server may re-archive after a crash or around a
 * promotion), one with different content is refused.
 */
describe('the sandbox archive_command on a real server', () => {
  let cluster: TestCluster;
  const archiver = async (node: string) =>
    (await cluster.query<ArchiverRow>(node, 'select archived_count::text, failed_count::text, last_archived_wal, last_failed_wal from pg_stat_archiver'))[0]!;
  /** Writes something and completes the current segment, which wakes the archiver; returns that segment's name. */
  const switchSegment = async (node: string) => {
    await cluster.query(node, 'create table if not exists archive_probe (n int); insert into archive_probe values (1)');
    return (await cluster.query<{ walfile: string }>(node, 'select pg_walfile_name(pg_switch_wal()) as walfile'))[0]!.walfile;
  };
  const statusFile = (node: string, name: string) => path.join(cluster.layout.dataDir(node), 'pg_wal', 'archive_status', name);

  beforeAll(async () => {
    cluster = await startTestCluster(2);
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  it('archives a segment again when the archive holds it with identical content', async () => {
    const segment = await switchSegment('pg1');
    await waitFor(async () => (await pathExists(statusFile('pg1', `${segment}.done`))) && (await pathExists(path.join(cluster.layout.archiveDir, segment))), `${segment} archived`);
    const before = await archiver('pg1');

    // What the server does after a crash before it recorded the success: the segment is ready again.
    await rename(statusFile('pg1', `${segment}.done`), statusFile('pg1', `${segment}.ready`));
    await switchSegment('pg1');
    await waitFor(
      async () => (await pathExists(statusFile('pg1', `${segment}.done`))) || Number((await archiver('pg1')).failed_count) > Number(before.failed_count),
      `${segment} archived again, or the archiver failing on it`,
    );
    const after = await archiver('pg1');
    expect(after.failed_count).toBe(before.failed_count);
    expect(await pathExists(statusFile('pg1', `${segment}.done`))).toBe(true);
  });

  it('refuses a segment whose archived copy differs, and goes on once the stray file is gone', async () => {
    const [row] = await cluster.query<{ walfile: string }>('pg1', 'select pg_walfile_name(pg_current_wal_insert_lsn()) as walfile');
    const segment = row!.walfile;
    const stray = path.join(cluster.layout.archiveDir, segment);
    await writeFile(stray, 'not this segment');
    const before = await archiver('pg1');
    expect(await switchSegment('pg1')).toBe(segment);
    await waitFor(async () => Number((await archiver('pg1')).failed_count) > Number(before.failed_count), `the archiver refusing ${segment}`);
    expect((await archiver('pg1')).last_failed_wal).toBe(segment);
    expect(await readFile(stray, 'utf8')).toBe('not this segment');
    await rm(stray);
    await switchSegment('pg1');
    await waitFor(async () => pathExists(statusFile('pg1', `${segment}.done`)), `${segment} archived once the stray copy is gone`, 90_000);
  });

  it('after a promotion the new primary archives without a failure', async () => {
    await pgCtlStop({ pgBinDir: cluster.pgBinDir, dataDir: cluster.layout.dataDir('pg1'), runner: localRunner(cluster.osUser) }, 'fast');
    await cluster.query('pg2', 'select pg_promote()');
    await waitFor(async () => (await cluster.query<{ r: boolean }>('pg2', 'select pg_is_in_recovery() as r'))[0]?.r === false, 'pg2 promoted');
    const segment = await switchSegment('pg2');
    await waitFor(async () => pathExists(statusFile('pg2', `${segment}.done`)), `pg2 archiving ${segment}`);
    expect(await pathExists(path.join(cluster.layout.archiveDir, '00000002.history'))).toBe(true);
    expect((await archiver('pg2')).failed_count).toBe('0');
  });
});

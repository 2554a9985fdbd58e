import { stat } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRestorable } from '../../src/services/backups/backupCatalog.js';
import { readDatabaseChoices } from '../../src/services/runbooks/backup/prepareBackup.js';
import { nodePassword } from '../../src/services/postgres/nodePassword.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';
import { pgrep } from './cancelRunbook.js';
import type { BackupTestCluster } from './backupCli.js';
import { catalog, catalogFiles, cliFor, expectCompleteDump, interruptedBackup, makeShop } from './backupCli.js';

/**
 * `pgcockpit backup` on the sandbox, through the real CLI (needs `npm run
 * build`): a custom-format dump from the standby, a directory-format one
 * with 2 jobs, --read-only refused, and a SIGINT during the dump that leaves
 * nothing the catalog calls complete.
 */
describe('backup on the sandbox', () => {
  let sandbox: TestCluster;
  let cluster: BackupTestCluster;
  let cli: ReturnType<typeof cliFor>;

  beforeAll(async () => {
    sandbox = await startTestCluster(2);
    cluster = {
      configFile: sandbox.layout.configFile,
      stateHome: sandbox.layout.root,
      backupsDir: sandbox.config.backups!.dir,
      clusterName: sandbox.config.cluster,
      pgBinDir: sandbox.pgBinDir,
      node: sandbox.node,
      client: async (name, database) => {
        const node = sandbox.node(name);
        const lookup = await nodePassword(node, sandbox.config.passfile);
        const client = new pg.Client({ host: node.host, port: node.port, user: node.user, database, ...(lookup.found ? { password: lookup.password } : {}) });
        await client.connect();
        return client;
      },
    };
    cli = cliFor(cluster);
    await makeShop(cluster, 'pg2');
  });
  afterAll(async () => {
    await sandbox?.destroy();
  });

  it('dumps shop from the standby: the plan names the pg_dump, the entry is complete with a checksum that matches, pg_restore reads it', async () => {
    const dry = await cli('backup', '--node', 'pg2', '--db', 'shop', '--dry-run');
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('backup shop from pg2');
    expect(dry.stdout).toMatch(/a pg_dump ≥ \d+ on this machine.*pg_dump \(PostgreSQL\) \d+/);
    expect(await catalog(cluster)).toEqual([]);

    const run = await cli('backup', '--node', 'pg2', '--db', 'shop', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('dumping contents of table "public.orders"');
    const [entry] = await catalog(cluster);
    expect(entry).toMatchObject({ node: 'pg2', database: 'shop', format: 'custom', cluster: sandbox.config.cluster, kind: 'pg_dump' });
    expect(entry!.pgDumpVersion).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
    expect(run.stdout).toContain(`${entry!.id} is complete`);
    await expectCompleteDump(cluster, entry!);
  });

  it("the form's database list: the node's databases, largest first, sizes beside", async () => {
    const choices = await readDatabaseChoices(sandbox.config, 'pg2');
    expect(choices[0]).toMatchObject({ value: 'shop', note: expect.stringMatching(/^\d+(\.\d)? MB$/) });
    expect(choices.map((choice) => choice.value)).toContain('postgres');
    expect(choices.map((choice) => choice.value)).not.toContain('template0');
  });

  it('directory format with --jobs 2', async () => {
    const run = await cli('backup', '--node', 'pg2', '--db', 'shop', '--format', 'directory', '--jobs', '2', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const entry = (await catalog(cluster)).find((candidate) => candidate.format === 'directory')!;
    expect(entry).toMatchObject({ status: 'complete', options: { jobs: 2 } });
    expect((await stat(entry.path)).isDirectory()).toBe(true);
    await expectCompleteDump(cluster, entry);
  });

  it('--read-only refuses before anything is written (the dump is a file written here)', async () => {
    const before = await catalogFiles(cluster, 'shop');
    const run = await cli('--read-only', 'backup', '--node', 'pg2', '--db', 'shop', '--yes');
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/read-only/);
    expect(await catalogFiles(cluster, 'shop')).toEqual(before);
  });

  it('a SIGINT during pg_dump stops it, removes the partial dump, records the entry cancelled, never restorable', async () => {
    const before = (await catalog(cluster)).length;
    const run = await interruptedBackup(cluster, 'pg1');
    expect(run.signalled, run.stdout + run.stderr).toBe(true);
    expect(run.exitCode, run.stdout + run.stderr).toBe(130);
    expect(run.stdout).toMatch(/cancelled at step 2\/3 \(SIGINT\)/);
    expect(await pgrep(`pg_dump -h \\S+ -p ${sandbox.node('pg1').port} `)).toEqual([]);
    const entries = await catalog(cluster);
    expect(entries).toHaveLength(before + 1);
    const cancelled = entries.find((entry) => entry.status === 'cancelled')!;
    expect(cancelled).toMatchObject({ node: 'pg1', database: 'shop' });
    expect(isRestorable(cancelled)).toBe(false);
    await expect(stat(cancelled.path)).rejects.toThrow();
    expect((await catalogFiles(cluster, 'shop')).filter((name) => name.includes('.partial'))).toEqual([]);
    expect(entries.filter(isRestorable).every((entry) => entry.status === 'complete')).toBe(true);
  });
});

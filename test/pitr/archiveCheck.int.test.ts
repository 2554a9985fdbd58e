import { chmod } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { runCli } from '../support/runCli.js';
import type { TestCluster } from '../support/testCluster.js';
import { startTestCluster } from '../support/testCluster.js';

/** `pgcockpit archive check` through the real CLI (needs `npm run build`), on the sandbox and on a cluster built by hand. */
describe('archive check', () => {
  let sandbox: TestCluster;
  let handBuilt: HandBuiltCluster;
  beforeAll(async () => {
    [sandbox, handBuilt] = await Promise.all([startTestCluster(1), startHandBuiltCluster({ standbys: 0 })]);
  });
  afterAll(async () => {
    await Promise.all([sandbox?.destroy(), handBuilt?.destroy()]);
  });

  it('passes on the sandbox, with values and the live test: a switched-out segment arrives', async () => {
    const run = await runCli(['archive', 'check', '--config', sandbox.layout.configFile], { XDG_STATE_HOME: sandbox.layout.root });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/✓ archive directory .* on this machine: owner postgres, mode 750/);
    expect(run.stdout).toMatch(/✓ wal_level is replica or logical: replica/);
    expect(run.stdout).toMatch(/✓ archive_mode is on: on/);
    expect(run.stdout).toMatch(/✓ a switched-out segment arrives in the archive: [0-9A-F]{24} arrived after \d+\.\d s/);
  });

  it("on a hand-built cluster, passes with the runbook's archive_command; a directory others may write fails with the fix; --no-live skips the test", async () => {
    const run = await runCli(['archive', 'check', '--config', handBuilt.configFile], { XDG_STATE_HOME: handBuilt.root });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/✓ archive_command or archive_library is set: archive_command = test ! -f .* && cp %p /);
    await chmod(handBuilt.archiveDir, 0o777);
    try {
      const open = await runCli(['archive', 'check', '--no-live', '--config', handBuilt.configFile], { XDG_STATE_HOME: handBuilt.root });
      expect(open.exitCode).toBe(2);
      expect(open.stdout).toMatch(/✗ archive directory .*: owner postgres, mode 777\n\s+fix: chown postgres .*; chmod 0750/);
      expect(open.stdout).toContain('(no live test: --no-live; it switches out a WAL segment)');
    } finally {
      await chmod(handBuilt.archiveDir, 0o750);
    }
  });

  it("archive setup refuses to overwrite the runbook's archive_command without --replace; with it, writes the durable one, which archives (check passes live)", async () => {
    const cli = (...args: string[]) => runCli([...args, '--config', handBuilt.configFile], { XDG_STATE_HOME: handBuilt.root });
    const refused = await cli('archive', 'setup', '--yes');
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toMatch(/✗ archive_command: set already: test ! -f/);
    const dry = await cli('archive', 'setup', '--replace', '--dry-run');
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('alter system set archive_command = \'if test -f');
    const run = await cli('archive', 'setup', '--replace', '--yes');
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const [row] = await handBuilt.superQuery<{ setting: string }>('pg1', "select setting from pg_settings where name = 'archive_command'");
    expect(row!.setting).toBe(`if test -f ${handBuilt.archiveDir}/%f; then cmp -s %p ${handBuilt.archiveDir}/%f; else cp %p ${handBuilt.archiveDir}/%f.$$.part && sync ${handBuilt.archiveDir}/%f.$$.part && mv ${handBuilt.archiveDir}/%f.$$.part ${handBuilt.archiveDir}/%f && sync ${handBuilt.archiveDir}; fi`);
    const check = await cli('archive', 'check');
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/✓ a switched-out segment arrives in the archive/);
    const again = await cli('archive', 'setup', '--yes');
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('already the durable command');
  });
});

import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { collectClusterView } from '../../src/services/cluster/collectClusterView.js';
import { durableArchiveCommand } from '../../src/services/postgres/archiveCommand.js';
import { pgCtlStart, pgCtlStop } from '../../src/services/postgres/pgCtl.js';
import { localRunner } from '../../src/services/runner/localRunner.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import type { HandBuiltCluster } from '../support/handBuiltCluster.js';
import { startHandBuiltCluster } from '../support/handBuiltCluster.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { KEY } from '../views/paneText.js';

/**
 * `A` in the cockpit on a cluster built by hand whose primary never archived:
 * no archive directory, archive_mode off, no archive_command. The registry's
 * planner and the engine, through the cockpit's glue, against the real server.
 */
describe('A: the archive, on a hand-built primary that does not archive', () => {
  let handBuilt: HandBuiltCluster;
  let auditDir: string;
  const restartPg1 = async () => {
    const target = { pgBinDir: handBuilt.pgBinDir, dataDir: handBuilt.dataDir('pg1'), runner: localRunner(handBuilt.osUser) };
    await pgCtlStop(target, 'fast');
    await pgCtlStart(target, path.join(handBuilt.logDir('pg1'), 'startup.log'));
  };
  const setting = async (name: string) =>
    (await handBuilt.superQuery<{ setting: string; pending_restart: boolean }>('pg1', 'select setting, pending_restart from pg_settings where name = $1', [name]))[0]!;

  beforeAll(async () => {
    [handBuilt, auditDir] = await Promise.all([startHandBuiltCluster({ standbys: 0 }), mkdtemp(path.join(os.tmpdir(), 'pgcockpit-audit-'))]);
    // Undo the runbook's archiving: archive_mode off (a restart), no command, no directory.
    await handBuilt.superQuery('pg1', 'alter system set archive_mode = off');
    await handBuilt.superQuery('pg1', "alter system set archive_command = ''");
    await restartPg1();
    await rm(handBuilt.archiveDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    cleanupCockpits();
    await Promise.all([handBuilt?.destroy(), rm(auditDir, { recursive: true, force: true })]);
  });

  it("shows the ✗ checks with values, runs setup once pg1 is typed, ends with the restart advice; after the restart A finds it all in place, the live test passing", async () => {
    const { config } = handBuilt;
    const { store, press, plainFrame, stdin } = renderCockpit({ config, theme: noColorTheme, columns: 180, rows: 50 });
    store.getState().applyView(await collectClusterView(config, 5000));
    const stop = bindOperationsToStore(store, config, { audit: new AuditJournal({ file: path.join(auditDir, 'audit.jsonl') }) });
    try {
      stdin.write('A');
      const plan = await waitForFrame(plainFrame, (text) => text.includes('type pg1 to set up its archive') || text.includes('could not plan'), 20_000);
      expect(plan).toMatch(/✗ archive directory .*\/archive on this machine: .*No such file or directory/);
      expect(plan).toContain('✗ archive_mode is on: off');
      expect(plan).toContain('✗ archive_command or archive_library is set: neither');
      expect(plan).toContain('! a switched-out segment arrives in the archive: not tested: archiving is not set up yet');
      expect(plan).toContain("alter system set archive_mode = 'on'");

      stdin.write('pg1');
      await waitForFrame(plainFrame, (text) => text.includes('✓ matches: Enter runs it'));
      await press(KEY.enter);
      await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'done' || phase === 'failed', 30_000);
      const log = store.getState().log.map((line) => line.text);
      expect(store.getState().operation?.phase, log.join('\n')).toBe('done');
      expect(log.some((line) => /^step 2\/2 ✓ written and reloaded; restart pg1 in a quiet moment: archive_mode takes effect only then/.test(line)), log.join('\n')).toBe(true);

      // The server afterwards: the durable command written and applied at the reload (show says "(disabled)" while
      // archive_mode is off), archive_mode on in postgresql.auto.conf but waiting for the restart.
      const written = await handBuilt.superQuery<{ setting: string; applied: boolean; sourcefile: string }>(
        'pg1',
        "select setting, applied, sourcefile from pg_file_settings where name = 'archive_command' order by seqno desc limit 1",
      );
      expect(written[0]).toMatchObject({ setting: durableArchiveCommand(handBuilt.archiveDir), applied: true, sourcefile: expect.stringMatching(/postgresql\.auto\.conf$/) });
      expect(await setting('archive_mode')).toEqual({ setting: 'off', pending_restart: true });
      const dir = await stat(handBuilt.archiveDir);
      expect({ mode: (dir.mode & 0o777).toString(8), uid: dir.uid }).toEqual({ mode: '750', uid: handBuilt.osUser.uid });

      // The restart is the DBA's; then A again: every check passes, nothing to change; the live test is the one step (it writes WAL: not while planning).
      await restartPg1();
      expect((await handBuilt.superQuery<{ archive_command: string }>('pg1', 'show archive_command'))[0]!.archive_command).toBe(durableArchiveCommand(handBuilt.archiveDir));
      expect(await setting('archive_mode')).toEqual({ setting: 'on', pending_restart: false });
      store.getState().applyView(await collectClusterView(config, 5000));
      stdin.write('A');
      const lsnBefore = (await handBuilt.superQuery<{ lsn: string }>('pg1', 'select pg_current_wal_lsn()::text as lsn'))[0]!.lsn;
      const again = await waitForFrame(plainFrame, (text) => text.includes('type pg1 to set up its archive') || text.includes('could not plan'), 40_000);
      expect(again).toContain('✓ archive_mode is on: on');
      expect(again).toContain('! a switched-out segment arrives in the archive: not tested: the step below runs it');
      expect(again).toContain('nothing to change: the archive is set up; the step below only tests it');
      expect(again).toContain('1. on pg1: live test: switch out a WAL segment on pg1');
      // Planning wrote nothing: no segment switched before the name is typed.
      const lsnPlanned = (await handBuilt.superQuery<{ lsn: string }>('pg1', 'select pg_current_wal_lsn()::text as lsn'))[0]!.lsn;
      expect(lsnPlanned).toBe(lsnBefore);
      stdin.write('pg1');
      await waitForFrame(plainFrame, (text) => text.includes('✓ matches: Enter runs it'));
      await press(KEY.enter);
      await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'done' || phase === 'failed', 60_000);
      const tested = store.getState().log.map((line) => line.text);
      expect(store.getState().operation?.phase, tested.join('\n')).toBe('done');
      expect(tested.some((line) => /^step 1\/1 ✓ .*[0-9A-F]{24}/.test(line)), tested.join('\n')).toBe(true);
    } finally {
      await stop();
    }
  });
});

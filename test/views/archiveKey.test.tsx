import { afterEach, describe, expect, it } from 'vitest';
import type { ArchiveFacts } from '../../src/services/pitr/archiveCheck.js';
import { configSchema } from '../../src/services/config/schema.js';
import { planArchive } from '../../src/services/runbooks/archive/planArchive.js';
import { durableArchiveCommand } from '../../src/services/postgres/archiveCommand.js';
import type { RunbookPlan } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

const config = configSchema.parse({
  cluster: 'testcluster',
  nodes: ['pg1', 'pg2', 'pg3'].map((name, i) => ({ name, host: '127.0.0.1', port: 5432 + i, dataDir: `/srv/${name}`, osUser: 'postgres' })),
  archive: { dir: '/srv/archive' },
});

/** A primary where archiving was never set up: no directory, archive_mode off, no command. */
const NOT_SET_UP: ArchiveFacts = { dirProblem: 'cannot statx \'/srv/archive\': No such file or directory', settings: { wal_level: 'replica', archive_mode: 'off', archive_command: '', archive_library: '' }, pendingRestart: [] };

/** archive's real plan for those facts, its steps' work replaced by what they would say (no server here). */
function notSetUpPlan(): RunbookPlan {
  const plan = planArchive(config, config.nodes[0]!, NOT_SET_UP, { runnerNode: 'pg1', noLiveTest: 'archiving is not set up yet' });
  return { ...plan, steps: plan.steps.map((step, index) => ({ ...step, run: async () => (index === 0 ? '/srv/archive created' : 'written; restart pg1 in a quiet moment: archive_mode takes effect only then') })) };
}

describe('A: the archive of the primary', () => {
  it("on a standby, plans the primary's archive: the check's ✗ with values, setup's steps, the typed name; running it streams into the log", async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ config, view: clusterView(), theme: noColorTheme, columns: 160, rows: 45 });
    const asked: string[] = [];
    const stop = bindOperationsToStore(store, config, {
      audit: { recordPlan: async () => undefined, statement: async () => undefined, command: async () => undefined } as never,
      preparers: { archive: async (_config, target) => (asked.push(target), notSetUpPlan()) },
    });
    try {
      await press(KEY.down); // pg2, a standby
      expect(store.getState().nodes[store.getState().selectedNode]!.name).toBe('pg2');
      stdin.write('A');
      const frame = await waitForFrame(plainFrame, (text) => text.includes('type pg1 to set up its archive'));
      expect(asked).toEqual(['pg1']);
      expect(frame).toContain('✗ archive directory /srv/archive on this machine: cannot statx');
      expect(frame).toContain('✗ archive_mode is on: off');
      expect(frame).toContain('✗ archive_command or archive_library is set: neither');
      expect(frame).toContain('! a switched-out segment arrives in the archive: not tested: archiving is not set up yet');
      expect(frame).toContain('! a restart: archive_mode take effect only when pg1 restarts');
      expect(frame).toContain("alter system set archive_mode = 'on'");
      expect(frame).toContain('mkdir -p -m 0750 /srv/archive');
      stdin.write('pg1');
      await waitForFrame(plainFrame, (text) => text.includes('✓ matches: Enter runs it'));
      await press(KEY.enter);
      await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'done', 5000);
      const log = store.getState().log.map((line) => line.text);
      expect(log).toContain("step 2/2   alter system set archive_mode = 'on'");
      expect(log.some((line) => line.startsWith('step 1/2 ✓ /srv/archive created'))).toBe(true);
      expect(log.some((line) => line.startsWith('step 2/2 ✓ written; restart pg1 in a quiet moment: archive_mode takes effect only then'))).toBe(true);
      expect(log.at(-1)).toMatch(/^✓ archive: check and set up WAL archiving on pg1: all 2 steps done/);
    } finally {
      await stop();
    }
  });

  it('on the primary, plans its own archive; A is in the help beside a (the alerts)', async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ config, view: clusterView(), theme: noColorTheme, columns: 160, rows: 45 });
    const asked: string[] = [];
    const stop = bindOperationsToStore(store, config, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: { archive: async (_config, target) => (asked.push(target), notSetUpPlan()) },
    });
    try {
      stdin.write('A');
      await waitForFrame(plainFrame, (text) => text.includes('type pg1 to set up its archive'));
      expect(asked).toEqual(['pg1']);
      await press(KEY.escape);
      await waitForFrame(plainFrame, (text) => !text.includes('type pg1 to set up its archive'));
      stdin.write('?');
      const help = await waitForFrame(plainFrame, (text) => text.includes('(A: a is the alerts)'));
      expect(help).toMatch(/A +archive: check WAL archiving on the primary/);
    } finally {
      await stop();
    }
  });

  it('all in place: the checks pass, the plan says so, there is nothing to run and no name to type', async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ config, view: clusterView(), theme: noColorTheme, columns: 160, rows: 45 });
    const inPlace: ArchiveFacts = {
      dir: { owner: 'postgres', mode: '750' },
      settings: { wal_level: 'replica', archive_mode: 'on', archive_command: durableArchiveCommand('/srv/archive'), archive_library: '' },
      pendingRestart: [],
      live: { segment: '000000010000000000000007', arrived: true, waitedMs: 300, lastFailed: null },
    };
    const stop = bindOperationsToStore(store, config, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: { archive: async () => planArchive(config, config.nodes[0]!, inPlace, { runnerNode: 'pg1' }) },
    });
    try {
      stdin.write('A');
      const frame = await waitForFrame(plainFrame, (text) => text.includes('nothing to run: Esc closes'));
      expect(frame).toContain('✓ a switched-out segment arrives in the archive: 000000010000000000000007 arrived after 0.3 s');
      expect(frame).toContain('⚠ nothing to change: the archive is set up and a switched-out segment arrived');
      expect(frame).not.toContain('type pg1');
      stdin.write('pg1');
      await press(KEY.enter);
      expect(store.getState().operation?.phase).toBe('confirm');
      await press(KEY.escape);
      await waitForFrame(() => String(store.getState().operation), (operation) => operation === 'null');
    } finally {
      await stop();
    }
  });
});

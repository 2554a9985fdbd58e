import { afterEach, describe, expect, it } from 'vitest';
import { baseBackupPaths } from '../../src/services/backups/baseBackupCatalog.js';
import type { BaseBackupEntry } from '../../src/services/backups/baseBackupEntry.js';
import type { CommandSpec, Runner } from '../../src/services/runner/runner.js';
import type { OperationPlan } from '../../src/state/operation.js';
import { bindBackupsToStore } from '../../src/tui/bindBackupsToStore.js';
import type { RunbookPlan } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

function baseEntry(at: string, extra: Partial<BaseBackupEntry> = {}): BaseBackupEntry {
  const paths = baseBackupPaths('/srv/backups', 'test', 'plain', new Date(at));
  return {
    id: paths.id,
    kind: 'basebackup',
    path: paths.path,
    host: 'pg1',
    osUser: 'postgres',
    cluster: 'test',
    node: 'pg2',
    format: 'plain',
    serverVersion: '16.4',
    pgBasebackupVersion: 'pg_basebackup (PostgreSQL) 16.4',
    label: `pgcockpit-${paths.stamp}`,
    timeline: 2,
    startLsn: '0/5000028',
    endLsn: '0/5000138',
    startTime: at,
    endTime: new Date(Date.parse(at) + 4000).toISOString(),
    startedAt: at,
    finishedAt: new Date(Date.parse(at) + 5000).toISOString(),
    sizeBytes: 40 * 1024 * 1024,
    manifest: true,
    status: 'complete',
    ...extra,
  };
}

/**
 * The backups host as a fake runner: the `.base` listing script answers with
 * the entries (as `==> name <==` sections), pg_verifybackup passes, and an
 * entry written (sh with the JSON on stdin) replaces the one listed.
 */
function fakeHost(entries: BaseBackupEntry[]): { runner: Runner; ran: CommandSpec[] } {
  const ran: CommandSpec[] = [];
  const runner: Runner = {
    where: 'test',
    osUser: 'postgres',
    async run(spec, options) {
      ran.push(spec);
      const say = (text: string) => options?.onLine?.({ at: Date.now(), stream: 'stdout', text });
      if (spec.program === 'sh' && spec.args[1]?.includes('*.json')) {
        for (const entry of entries) {
          say(`==> ${entry.id.replace(/^base-/, '')}.json <==`);
          for (const line of JSON.stringify(entry, null, 2).split('\n')) say(line);
        }
      } else if (spec.program === 'sh' && spec.stdin) {
        const written = JSON.parse(spec.stdin) as BaseBackupEntry;
        entries.splice(entries.findIndex((entry) => entry.id === written.id), 1, written);
      }
      return { exitCode: 0, signal: null, durationMs: 1, timedOut: false, cancelled: false };
    },
    close: async () => undefined,
  };
  return { runner, ran };
}

describe('B: base backups in the backups picker', () => {
  it('shows them as rows (base, all databases), their details on Enter, v runs pg_verifybackup and marks them ✓; r and d do not treat them as dumps', async () => {
    const older = baseEntry('2026-11-30T10:00:00.000Z');
    const failed = baseEntry('2026-11-30T12:00:00.000Z', { status: 'failed', error: 'pg_basebackup: could not connect', sizeBytes: undefined });
    const { runner, ran } = fakeHost([failed, older]);
    const { store, press, plainFrame } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const stopBackups = bindBackupsToStore(store, { cluster: 'test', nodes: [], backups: { dir: '/srv/backups' } } as never, { dir: '/srv/backups', runner, runners: { forNode: () => runner } });
    try {
      await press('B');
      let frame = await waitForFrame(plainFrame, (text) => text.includes('Backups (2), newest first'));
      const rows = frame.split('\n').filter((line) => /\(all\)\s+pg2\s+base/.test(line));
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(/› .*\(all\)\s+pg2\s+base\s+-\s+5 s\s+✗ failed/);
      expect(rows[1]).toMatch(/\(all\)\s+pg2\s+base\s+40 MB\s+5 s\s+║$/);

      // / "base" finds them by their kind.
      await press('/', 'b', 'a', 's', 'e', KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('Backups (2), newest first: /base'));

      // Enter on the older: its WAL, its times, how to recover from it.
      await press(KEY.down, KEY.enter);
      frame = await waitForFrame(plainFrame, (text) => text.includes(`Backup ${older.id}`));
      expect(frame).toContain('WAL       timeline 2, 0/5000028 → 0/5000138');
      expect(frame).toContain(`path      ${older.path} on pg1 (plain, owned by postgres)`);
      expect(frame).toContain(`pgcockpit pitr --backup ${older.id}`);
      await press(KEY.escape);
      await waitForFrame(plainFrame, (text) => text.includes('Backups (2), newest first'));

      // v: pg_verifybackup on its host, verifiedAt written back, the row marked ✓.
      await press('v');
      await waitForFrame(plainFrame, (text) => text.includes(`✓ ${older.id} verified: pg_verifybackup found every file as its manifest says`));
      await waitForFrame(plainFrame, (text) => /\(all\)\s+pg2\s+base\s+40 MB\s+5 s\s+✓/.test(text));
      expect(ran.some((spec) => spec.program === 'pg_verifybackup' && spec.args.at(-1) === older.path)).toBe(true);

      // d does not delete a base backup; r is no restore for it: it opens the PITR form for this backup.
      await press('d');
      await waitForFrame(plainFrame, (text) => text.includes(`${older.id} is a base backup: the picker deletes dumps only`));
      expect(store.getState().backupDelete).toBeNull();
      await press('r');
      await waitForFrame(plainFrame, (text) => text.includes('▸ target time: ▏'));
      expect(store.getState().operation).toMatchObject({ kind: 'pitr', target: older.id, phase: 'form' });
    } finally {
      await stopBackups();
    }
  });
});

describe('F: a base backup of the selected node', () => {
  it('asks the format (plain by default), then shows the plan to confirm by the node\'s name', async () => {
    const { store, press, plainFrame } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const asked: Array<{ target: string; format?: unknown }> = [];
    const plan: OperationPlan = {
      title: 'base backup of pg1',
      target: 'pg1',
      checks: [{ label: 'where pg_basebackup runs', status: 'ok', observed: 'pg1 is on this machine: here as postgres' }],
      steps: [{ node: 'pg1', description: 'copy pg1 with pg_basebackup as postgres (tar)', detail: 'pg_basebackup -d … --format tar --checkpoint=fast --wal-method=stream' }],
      blocked: false,
      blockedReasons: [],
      warnings: [],
      confirmWord: 'pg1',
      offersSwitchover: false,
      resumeReplayOffer: false,
    };
    const stopOperations = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        basebackup: async (_config, target, choices) => {
          asked.push({ target, format: choices?.formValues?.format });
          return plan as unknown as RunbookPlan;
        },
      },
    });
    try {
      await press('F');
      let frame = await waitForFrame(plainFrame, (text) => text.includes('▸ format: ‹ plain ›'));
      expect(frame).toContain('plain: a data directory, ready to start once restored');
      await press(KEY.right, KEY.enter);
      frame = await waitForFrame(plainFrame, (text) => text.includes('type pg1 to back it up'));
      expect(asked).toEqual([{ target: 'pg1', format: 'tar' }]);
      expect(frame).toContain('same as: pgcockpit basebackup --node pg1 --format tar --yes');
      expect(frame).toContain('copy pg1 with pg_basebackup as postgres (tar)');
      await press(KEY.escape);
    } finally {
      await stopOperations();
    }
  });
});

import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backupPaths, writeBackupEntry } from '../../src/services/backups/backupCatalog.js';
import { dumpChecksum } from '../../src/services/backups/backupChecksum.js';
import type { BackupEntry } from '../../src/services/backups/backupEntry.js';
import type { FormValues } from '../../src/services/runbooks/form.js';
import type { Runner } from '../../src/services/runner/runner.js';
import type { OperationPlan } from '../../src/state/operation.js';
import { bindBackupsToStore } from '../../src/tui/bindBackupsToStore.js';
import type { RunbookPlan } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

/** What pg_restore --list prints for the custom dump (the picker's details read it through the glue's runner). */
const TOC_LIST = [
  ';',
  '; Archive created at 2026-11-30 10:00:05 UTC',
  '215; 1259 16386 TABLE public orders postgres',
  '216; 1259 16390 TABLE public items postgres',
  '3340; 0 16386 TABLE DATA public orders postgres',
  '3341; 0 16390 TABLE DATA public items postgres',
  '3190; 2606 16393 CONSTRAINT public orders orders_pkey postgres',
];

/** A runner that answers `pg_restore --list` for the custom dump as pg_restore does (no server involved either way). */
const tocRunner: Runner = {
  where: 'test',
  osUser: 'test',
  async run(spec, options) {
    for (const text of spec.args[0] === '--list' ? TOC_LIST : []) options?.onLine?.({ at: Date.now(), stream: 'stdout', text });
    return { exitCode: 0, signal: null, durationMs: 1, timedOut: false, cancelled: false };
  },
  close: async () => undefined,
};

let dir: string;
const entries: Record<'custom' | 'plain' | 'directory', BackupEntry> = {} as never;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-picker-'));
  const make = async (database: string, format: BackupEntry['format'], at: string, extra: Partial<BackupEntry> = {}): Promise<BackupEntry> => {
    const paths = backupPaths(dir, 'test', database, format, new Date(at));
    await mkdir(path.dirname(paths.path), { recursive: true });
    await writeFile(paths.path, format === 'plain' ? 'create table c (id int);\n-- PostgreSQL database dump complete\n' : 'PGDMP custom');
    const sum = await dumpChecksum(paths.path);
    const entry: BackupEntry = {
      id: paths.id,
      kind: 'pg_dump',
      path: paths.path,
      cluster: 'test',
      node: 'pg2',
      database,
      format,
      serverVersion: '16.4',
      pgDumpVersion: 'pg_dump (PostgreSQL) 16.4',
      startedAt: at,
      finishedAt: new Date(Date.parse(at) + 65_000).toISOString(),
      sizeBytes: sum.sizeBytes,
      sha256: sum.sha256,
      tables: [{ name: 'public.orders', rowEstimate: 1200, bytes: 65536 }],
      status: 'complete',
      options: { tables: [] },
      ...extra,
    };
    await writeBackupEntry(entry);
    return entry;
  };
  entries.custom = await make('shop', 'custom', '2026-11-30T10:00:00.000Z', { verifiedAt: '2026-11-30T10:05:00.000Z' });
  entries.plain = await make('crm', 'plain', '2026-11-30T11:00:00.000Z');
  entries.directory = await make('shop', 'custom', '2026-11-30T12:00:00.000Z', { status: 'failed', error: 'pg_dump exited with 1' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function restorePlan(database: string): OperationPlan {
  return {
    title: `restore ${entries.custom.id} into ${database} on pg1`,
    target: 'pg1',
    checks: [{ label: 'the tool for its format', status: 'ok', observed: 'pg_restore: a custom-format dump has a table of contents' }],
    steps: [{ node: 'pg1', description: `create the new database ${database} on pg1`, detail: `create database "${database}" template template0` }],
    blocked: false,
    blockedReasons: [],
    warnings: [],
    confirmWord: database,
    offersSwitchover: false,
    resumeReplayOffer: false,
  };
}

describe('B: the backups picker', () => {
  it('lists the catalog newest first, filters with /, shows a dump\'s details, verifies with v, restores with r (form, then plan), deletes with d after its id', async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const recorded: string[] = [];
    const stopBackups = bindBackupsToStore(store, { cluster: 'test', nodes: [] } as never, { dir, runner: tocRunner, audit: { recordPlan: async (title) => void recorded.push(title) } });
    const asked: Array<FormValues & { target: string }> = [];
    const stopOperations = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        restore: async (_config, target, choices) => {
          asked.push({ target, ...choices?.formValues });
          return restorePlan(String(choices?.formValues?.db || 'shop_restored_20261130_140509')) as unknown as RunbookPlan;
        },
      },
    });
    try {
      await press('B');
      let frame = await waitForFrame(plainFrame, (text) => text.includes('Backups (3), newest first'));
      const rows = frame.split('\n').filter((line) => /(shop|crm)\s+pg2/.test(line));
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatch(/› .*shop\s+pg2\s+custom\s+.*1 min 5 s\s+✗ failed/);
      expect(rows[1]).toMatch(/crm\s+pg2\s+plain/);
      expect(rows[2]).toMatch(/shop\s+pg2\s+custom\s+.*1 min 5 s\s+✓/);
      expect(frame).toMatch(/WHEN\s+AGE\s+DATABASE\s+NODE\s+FORMAT\s+SIZE\s+TOOK\s+VERIFIED/);

      // / filters as typed; Enter keeps it.
      stdin.write('/crm');
      await waitForFrame(plainFrame, (text) => text.includes('filter: /crm'));
      await press(KEY.enter);
      frame = await waitForFrame(plainFrame, (text) => text.includes('Backups (1 of 3), newest first: /crm'));
      expect(frame.split('\n').filter((line) => /(shop|crm)\s+pg2/.test(line))).toHaveLength(1);

      // v verifies the crm dump (a plain one: its checksum and its last line).
      await press('v');
      await waitForFrame(plainFrame, (text) => text.includes(`✓ ${entries.plain.id} verified: sha256`));
      await waitForFrame(plainFrame, (text) => /crm\s+pg2\s+plain.*1 min 5 s\s+✓/.test(text));

      // The filter cleared; ↓↓ to the oldest (the custom dump), Enter: its details with pg_restore --list's objects.
      await press('/', KEY.backspace, KEY.backspace, KEY.backspace, KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('Backups (3), newest first'));
      await press(KEY.down, 'j', KEY.enter);
      frame = await waitForFrame(plainFrame, (text) => text.includes('objects (pg_restore --list): 5: 2 TABLE, 2 TABLE DATA, 1 CONSTRAINT'));
      expect(frame).toContain(`Backup ${entries.custom.id}`);
      expect(frame).toMatch(/public\.orders\s+~1200 rows/);
      expect(frame).toContain('TABLE DATA public.orders');
      await press(KEY.escape);
      await waitForFrame(plainFrame, (text) => text.includes('Backups (3), newest first'));

      // r: the restore form for that dump; a database named, Enter plans it.
      await press('r');
      frame = await waitForFrame(plainFrame, (text) => text.includes('▸ restore on: ‹ primary ›'));
      expect(frame).toContain('primary: the current primary (a standby cannot be written to)');
      await press(KEY.tab);
      stdin.write('shop_copy');
      await waitForFrame(plainFrame, (text) => text.includes('shop_copy'));
      await press(KEY.enter);
      frame = await waitForFrame(plainFrame, (text) => text.includes('type shop_copy to restore into it'));
      expect(asked).toEqual([{ target: entries.custom.id, to: 'primary', db: 'shop_copy', tables: '', replace: false, jobs: '' }]);
      expect(frame).toContain(`same as: pgcockpit restore ${entries.custom.id} --to primary --db shop_copy --yes`);
      await press(KEY.escape);
      await waitForFrame(plainFrame, (text) => text.includes('Backups (3), newest first'));

      // d: deleted only once the id is typed exactly.
      await press('d');
      await waitForFrame(plainFrame, (text) => text.includes(`type ${entries.custom.id} to delete the dump and its entry`));
      stdin.write('wrong');
      await press(KEY.enter);
      expect(await stat(entries.custom.path).then(() => true)).toBe(true);
      for (let index = 0; index < 5; index += 1) await press(KEY.backspace);
      stdin.write(entries.custom.id);
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes(`deleted ${entries.custom.id}`) && text.includes('Backups (2), newest first'));
      expect(await stat(entries.custom.path).catch(() => 'gone')).toBe('gone');
      expect(await stat(`${entries.custom.path}.json`).catch(() => 'gone')).toBe('gone');
      expect(recorded).toEqual([`delete backup ${entries.custom.id} of test`]);

      // Esc closes the picker.
      await press(KEY.escape);
      await waitForFrame(plainFrame, (text) => !text.includes('Backups ('));
    } finally {
      await stopOperations();
      await stopBackups();
    }
  });
});

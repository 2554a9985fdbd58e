import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpChecksum } from '../../src/services/backups/backupChecksum.js';
import type { BackupEntry } from '../../src/services/backups/backupEntry.js';
import { parseTocList } from '../../src/services/backups/dumpToc.js';
import type { Verification } from '../../src/services/backups/verifyBackup.js';
import { verifyBackup } from '../../src/services/backups/verifyBackup.js';
import { configSchema } from '../../src/services/config/schema.js';
import { currentOsUser } from '../../src/services/os/osUser.js';
import type { RestoreFacts } from '../../src/services/runbooks/restore/planRestore.js';
import { planRestore, restoreStamp } from '../../src/services/runbooks/restore/planRestore.js';
import { restoreCommand } from '../../src/services/runbooks/restore/restoreCommands.js';
import { localRunner } from '../../src/services/runner/localRunner.js';

const config = configSchema.parse({
  cluster: 'demo',
  nodes: ['pg1', 'pg2'].map((name, index) => ({ name, host: '127.0.0.1', port: 5432 + index, dataDir: `/data/${name}`, pgBinDir: '/usr/lib/postgresql/16/bin', database: 'postgres' })),
  backups: { dir: '/var/backups/pgcockpit' },
});
const now = new Date('2026-11-30T14:05:09.250Z');
const SHA = 'a'.repeat(64);

function entry(overrides: Partial<BackupEntry> = {}): BackupEntry {
  return {
    id: 'shop-20261130T134501Z',
    kind: 'pg_dump',
    path: '/var/backups/pgcockpit/demo/shop/20261130T134501Z.dump',
    cluster: 'demo',
    node: 'pg2',
    database: 'shop',
    format: 'custom',
    serverVersion: '16.4',
    pgDumpVersion: 'pg_dump (PostgreSQL) 16.4',
    startedAt: '2026-11-30T13:45:01Z',
    finishedAt: '2026-11-30T13:45:09Z',
    sizeBytes: 4096,
    sha256: SHA,
    tables: [
      { name: 'public.orders', rowEstimate: 1000, bytes: 65536 },
      { name: 'public.items', rowEstimate: -1, bytes: 8192 },
    ],
    status: 'complete',
    options: { tables: [] },
    ...overrides,
  };
}

const TOC = parseTocList(
  [
    ';',
    '; Archive created at 2026-11-30 13:45:01 UTC',
    '215; 1259 16386 TABLE public orders postgres',
    '216; 1259 16390 TABLE public items postgres',
    '3340; 0 16386 TABLE DATA public orders postgres',
    '3341; 0 16390 TABLE DATA public items postgres',
    '3190; 2606 16393 CONSTRAINT public orders orders_pkey postgres',
  ].join('\n'),
);
const verified: Verification = { ok: true, reasons: [], sha256: SHA, sizeBytes: 4096, toc: TOC };
const primary = { inRecovery: false, readOnly: false, serverVersionNum: 160004, databases: ['postgres', 'shop', 'template0', 'template1'], sessionsOnDatabase: 0 };
const facts = (overrides: Partial<RestoreFacts> = {}): RestoreFacts => ({ entry: entry(), verification: verified, targetNode: 'pg1', target: primary, ...overrides });
const failing = (plan: ReturnType<typeof planRestore>) => plan.checks.filter((check) => check.status === 'fail').map((check) => `${check.label}: ${check.observed}`);

describe('planRestore', () => {
  it('by default restores a custom dump into a new database with pg_restore -j, and says why that tool', () => {
    const plan = planRestore(config, facts(), 'shop-20261130T134501Z', { now });
    expect(failing(plan)).toEqual([]);
    expect(restoreStamp(now)).toBe('20261130_140509');
    expect(plan.database).toBe('shop_restored_20261130_140509');
    expect(plan.confirmWord).toBe('shop_restored_20261130_140509');
    expect(plan.mode).toBe('new');
    expect(plan.tool).toBe('pg_restore');
    expect(plan.toolReason).toMatch(/table of contents.*-j 2.*pg_dump would only write another dump/);
    expect(plan.mustType).toBeUndefined();
    expect(plan.undoOnFailure).toBe(true);
    expect(plan.steps.map((step) => step.description)).toEqual([
      "check shop-20261130T134501Z's sha256 against the catalog before anything is written",
      'create the new database shop_restored_20261130_140509 on pg1',
      'restore shop-20261130T134501Z into shop_restored_20261130_140509 with pg_restore',
      "count the restored rows in shop_restored_20261130_140509, next to the catalog's estimates",
    ]);
    const restore = plan.steps[2]!;
    expect(restore.detail).toContain('/usr/lib/postgresql/16/bin/pg_restore --verbose --exit-on-error -j 2 -h 127.0.0.1 -p 5432 -U postgres -d shop_restored_20261130_140509');
    expect(restore.cancellable).toBe(true);
    // The new database's undo drops it: it is new, nothing is lost.
    const undo = plan.steps[1]!.undo;
    expect(Array.isArray(undo) ? undo.map((step) => step.detail) : []).toEqual(['drop database if exists "shop_restored_20261130_140509" with (force)   (psql on postgres)']);
    // Never pg_dump, never a password in argv.
    for (const step of plan.steps) expect(step.detail).not.toMatch(/pg_dump |password=/);
  });

  it('a plain dump is run by psql, in one transaction, stopping at the first error', () => {
    const plan = planRestore(config, facts({ entry: entry({ format: 'plain', path: '/b/shop.sql' }), verification: { ok: true, reasons: [], sha256: SHA, sizeBytes: 10 } }), 'x', { now });
    expect(plan.tool).toBe('psql');
    expect(plan.toolReason).toMatch(/SQL script: psql runs it/);
    const spec = restoreCommand(config.nodes[0]!, { format: 'plain', path: '/b/shop.sql' }, { database: 'x', tables: [], jobs: 2 });
    expect([spec.program, ...spec.args]).toEqual(['/usr/lib/postgresql/16/bin/psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', '-d', 'x', '-f', '/b/shop.sql']);
  });

  it('refuses a standby target, and a read-only one', () => {
    const standby = planRestore(config, facts({ targetNode: 'pg2', target: { ...primary, inRecovery: true } }), 'x', { to: 'pg2', now });
    expect(standby.blocked).toBe(true);
    expect(standby.steps).toEqual([]);
    expect(failing(standby)).toEqual(['pg2 is a writable primary: pg2 is a standby (in recovery): it cannot be written to']);
    const readOnly = planRestore(config, facts({ target: { ...primary, readOnly: true } }), 'x', { now });
    expect(failing(readOnly)).toEqual(['pg1 is a writable primary: pg1 is read-only (default_transaction_read_only is on)']);
  });

  it('refuses an existing database without --replace; with it, renames it aside first and must be typed', () => {
    const refused = planRestore(config, facts(), 'x', { database: 'shop', now });
    expect(failing(refused)).toEqual(['shop does not exist on pg1: shop exists: restoring into it would mix the dump with what is there']);
    expect(refused.checks.find((check) => check.status === 'fail')?.fix).toMatch(/--replace renames it aside/);
    const replacing = planRestore(config, facts(), 'x', { database: 'shop', replace: true, now });
    expect(failing(replacing)).toEqual([]);
    expect(replacing.mode).toBe('replace');
    expect(replacing.mustType).toBe(true);
    expect(replacing.confirmWord).toBe('shop');
    expect(replacing.asideDatabase).toBe('shop_replaced_20261130_140509');
    expect(replacing.steps.map((step) => step.detail.split('   ')[0])).toEqual([
      `sha256 of ${entry().path} = ${SHA}`,
      'alter database "shop" rename to "shop_replaced_20261130_140509"',
      'create database "shop" template template0',
      expect.stringContaining('pg_restore'),
      expect.stringContaining('select count(*)'),
    ]);
    // Sessions on it: the rename would fail, so the plan does not start.
    expect(failing(planRestore(config, facts({ target: { ...primary, sessionsOnDatabase: 3 } }), 'x', { database: 'shop', replace: true, now }))).toEqual([
      'shop can be renamed aside: 3 session(s) connected to it: ALTER DATABASE RENAME needs none',
    ]);
  });

  it('a single table into an existing database: refused when it exists there, moved aside with --replace', () => {
    const fresh = planRestore(config, facts({ target: { ...primary, existingTables: [] } }), 'x', { database: 'shop', tables: ['orders'], now });
    expect(failing(fresh)).toEqual([]);
    expect(fresh.mode).toBe('tables');
    expect(fresh.steps.map((step) => step.description)[1]).toBe('restore shop-20261130T134501Z into shop with pg_restore (tables public.orders)');
    expect(fresh.steps[1]!.detail).toContain('-n public -t orders');
    const existing = planRestore(config, facts({ target: { ...primary, existingTables: ['public.orders'] } }), 'x', { database: 'shop', tables: ['orders'], now });
    expect(failing(existing)).toEqual(['public.orders do not exist in shop yet: shop has public.orders already: the restore would not overwrite them']);
    const moved = planRestore(config, facts({ target: { ...primary, existingTables: ['public.orders'] } }), 'x', { database: 'shop', tables: ['orders'], replace: true, now });
    expect(failing(moved)).toEqual([]);
    expect(moved.steps[1]!.detail).toContain('create schema "pgcockpit_aside_20261130_140509"; alter table "public"."orders" set schema "pgcockpit_aside_20261130_140509"');
    expect(failing(planRestore(config, facts(), 'x', { database: 'shop', tables: ['nosuch'], now }))).toEqual(['the tables asked for are in the dump: not in the dump: public.nosuch']);
    // Into a new database, a table outside public gets its schema first (pg_restore -t restores the table only).
    const sales = planRestore(config, facts({ entry: entry({ tables: [{ name: 'sales.orders', rowEstimate: 5, bytes: 8192 }] }) }), 'x', { tables: ['sales.orders'], now });
    expect(failing(sales)).toEqual([]);
    expect(sales.steps.map((step) => step.detail.split('   ')[0])[2]).toBe('create schema if not exists "sales"');
  });

  it('refuses a dump whose checksum differs from the catalog, with the reason', () => {
    const plan = planRestore(config, facts({ verification: { ok: false, reasons: ['sha256 differs: the catalog has aaaaaaaaaaaa…, the file is 0123456789ab…'], sha256: '0123456789ab' } }), 'x', { now });
    expect(plan.blocked).toBe(true);
    expect(plan.steps).toEqual([]);
    expect(plan.blockedReasons[0]).toMatch(/sha256 differs: the catalog has aaaaaaaaaaaa/);
  });

  it('refuses an unknown id, saying so', () => {
    const plan = planRestore(config, { entryProblem: 'no backup "nope" in /b/demo: the catalog is empty' }, 'nope', { now });
    expect(plan.blockedReasons).toEqual(['nope is in the backup catalog: no backup "nope" in /b/demo: the catalog is empty (pgcockpit backups lists the dumps there are)']);
  });
});

describe('verifyBackup', () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a truncated custom dump: the checksum as recorded still fails pg_restore --list, and the plan refuses with its words', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-verify-'));
    const file = path.join(dir, 'cut.dump');
    await writeFile(file, 'PGDMP\x01\x0f');
    const { sha256 } = await dumpChecksum(file);
    const verification = await verifyBackup(entry({ path: file, sha256 }), localRunner(currentOsUser()));
    expect(verification.ok).toBe(false);
    expect(verification.reasons.join('\n')).toMatch(/^pg_restore --list cannot read its table of contents: .+/);
    const plan = planRestore(config, facts({ verification }), 'x', { now });
    expect(plan.blocked).toBe(true);
    expect(plan.blockedReasons[0]).toContain('cannot read its table of contents');
  });

  it('a dump changed since it was taken: sha256 differs', async () => {
    const file = path.join(dir, 'changed.sql');
    await writeFile(file, 'select 1;\n-- PostgreSQL database dump complete\n');
    const verification = await verifyBackup(entry({ path: file, format: 'plain', sha256: SHA }), localRunner(currentOsUser()));
    expect(verification.reasons).toEqual([expect.stringMatching(/^sha256 differs: the catalog has aaaaaaaaaaaa…, the file is [0-9a-f]{12}…/)]);
  });

  it('a plain dump cut short lacks pg_dump\'s last line', async () => {
    const file = path.join(dir, 'cut.sql');
    await writeFile(file, 'create table t (id int);\ncopy t from stdin;\n1\n');
    const { sha256 } = await dumpChecksum(file);
    const verification = await verifyBackup(entry({ path: file, format: 'plain', sha256 }), localRunner(currentOsUser()));
    expect(verification.reasons).toEqual([expect.stringContaining('does not end with pg_dump\'s "-- PostgreSQL database dump complete" line: cut short')]);
  });

  it('reads a table of contents: types of more than one word, names, the tables with data', () => {
    expect(TOC.tablesWithData).toEqual(['public.orders', 'public.items']);
    expect(TOC.entries.at(-1)).toEqual({ dumpId: 3190, type: 'CONSTRAINT', schema: 'public', name: 'orders orders_pkey', owner: 'postgres' });
    expect(TOC.entries[2]).toEqual({ dumpId: 3340, type: 'TABLE DATA', schema: 'public', name: 'orders', owner: 'postgres' });
  });
});

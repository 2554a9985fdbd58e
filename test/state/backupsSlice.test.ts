import { describe, expect, it } from 'vitest';
import type { BackupEntry } from '../../src/services/backups/backupEntry.js';
import { filteredBackups, initialBackupsState, selectedBackup } from '../../src/state/slices/backups.js';
import { freshStore } from './storeOnTest.js';

const entry = (id: string, database: string, node = 'pg2'): BackupEntry => ({
  id,
  kind: 'pg_dump',
  path: `/b/${id}.dump`,
  cluster: 'test',
  node,
  database,
  format: 'custom',
  serverVersion: '16.4',
  pgDumpVersion: 'pg_dump (PostgreSQL) 16.4',
  startedAt: '2026-11-30T10:00:00Z',
  status: 'complete',
  options: { tables: [] },
});
const catalog = [entry('shop-3', 'shop'), entry('crm-2', 'crm', 'pg3'), entry('shop-1', 'shop')];

describe('backups slice', () => {
  it('starts empty and closed; B opens the picker and asks the glue for the catalog', () => {
    const { state, updates } = freshStore();
    expect(state()).toMatchObject(initialBackupsState());
    state().openBackups();
    expect(updates()).toBe(1);
    expect(state().overlay).toBe('backups');
    expect(state().backupTask).toEqual({ id: 1, action: 'list' });
    state().backupsLoaded(catalog, ['x.json: Unexpected end of JSON input']);
    expect(state().backupProblems).toEqual(['x.json: Unexpected end of JSON input']);
  });

  it('moves the pick within the list, filters by id, database or node, the pick back at the top', () => {
    const { state } = freshStore();
    state().openBackups();
    state().backupsLoaded(catalog, []);
    state().moveBackupSelection(5);
    expect(selectedBackup(state())?.id).toBe('shop-1');
    state().startBackupFilter();
    state().editBackupFilter('PG3');
    expect(filteredBackups(state()).map((item) => item.id)).toEqual(['crm-2']);
    expect(state().backupSelected).toBe(0);
    state().endBackupFilter(false);
    expect(state().backupFilter).toBe('');
    state().startBackupFilter();
    state().editBackupFilter('shop');
    state().endBackupFilter(true);
    expect(filteredBackups(state()).map((item) => item.id)).toEqual(['shop-3', 'shop-1']);
  });

  it('details, verify and delete are tasks for the glue; delete only with the id typed exactly; Esc closes the details, then the picker', () => {
    const { state } = freshStore();
    state().openBackups();
    state().backupsLoaded(catalog, []);
    state().moveBackupSelection(1);
    state().openBackupDetail();
    expect(state().backupDetail).toEqual({ backupId: 'crm-2', toc: null });
    expect(state().backupTask).toEqual({ id: 2, action: 'details', backupId: 'crm-2' });
    state().backupDetailLoaded('crm-2', [], undefined);
    state().verifySelectedBackup();
    expect(state().backupTask).toEqual({ id: 3, action: 'verify', backupId: 'crm-2' });
    state().backupsBack();
    expect(state().backupDetail).toBeNull();
    expect(state().overlay).toBe('backups');
    state().askDeleteBackup();
    state().typeBackupDelete('crm');
    state().confirmBackupDelete();
    expect(state().backupDelete).toEqual({ backupId: 'crm-2', typed: 'crm' });
    expect(state().backupTask?.id).toBe(3);
    state().typeBackupDelete('crm-2');
    state().confirmBackupDelete();
    expect(state().backupTask).toEqual({ id: 4, action: 'delete', backupId: 'crm-2' });
    state().backupTaskDone('deleted crm-2', [catalog[0]!, catalog[2]!]);
    expect(state().backupSelected).toBe(1);
    state().backupsBack();
    expect(state().overlay).toBe('none');
  });
});

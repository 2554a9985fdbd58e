import { afterEach, describe, expect, it } from 'vitest';
import type { FormValues } from '../../src/services/runbooks/form.js';
import { backupEntry } from '../../src/services/runbooks/registry.js';
import type { OperationPlan } from '../../src/state/operation.js';
import type { RunbookPlan } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

function backupPlan(): OperationPlan {
  return {
    title: 'backup shop from pg2',
    target: 'pg2',
    checks: [{ label: 'a pg_dump ≥ 16 on this machine', status: 'ok', observed: '/usr/lib/postgresql/16/bin/pg_dump: pg_dump (PostgreSQL) 16.4 (installed)' }],
    steps: [{ node: 'jump host', description: 'dump shop from pg2 with /usr/lib/postgresql/16/bin/pg_dump (directory, 2 jobs)', detail: 'pg_dump -Fd -j 2 --verbose -f /srv/backups/test/shop/x.dir.partial' }],
    blocked: false,
    blockedReasons: [],
    warnings: [],
    confirmWord: 'pg2',
    offersSwitchover: false,
    resumeReplayOffer: false,
  };
}

describe('b: back up a database of the selected node', () => {
  it('opens the backup form on the selected node, refuses an empty database, plans with the values typed and chosen, and shows the command line', async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const asked: Array<FormValues | undefined> = [];
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        backup: async (_config, target, choices) => {
          asked.push({ target, ...choices?.formValues });
          return backupPlan() as unknown as RunbookPlan;
        },
      },
    });
    try {
      // pg2 selected and b, in one chunk as ssh delivers them.
      stdin.write('2b');
      await waitForFrame(plainFrame, (frame) => frame.includes('▸ database: ▏'));
      let frame = plainFrame();
      expect(frame).toContain('  format: ‹ custom ›');
      expect(frame).toMatch(/custom: one compressed file/);

      // Enter with no database: refused under the field, nothing planned.
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('✗ name the database to dump'));
      expect(asked).toEqual([]);

      stdin.write('shop');
      await waitForFrame(plainFrame, (text) => text.includes('▸ database: shop▏'));
      await press(KEY.tab, KEY.right);
      await waitForFrame(plainFrame, (text) => text.includes('▸ format: ‹ directory ›'));
      await press(KEY.tab);
      stdin.write('2');
      await waitForFrame(plainFrame, (text) => text.includes('▸ jobs: 2▏'));
      await press(KEY.tab);
      stdin.write('orders,customers');
      await waitForFrame(plainFrame, (text) => text.includes('▸ tables: orders,customers▏'));
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('type pg2 to dump it'));
      expect(asked).toEqual([{ target: 'pg2', db: 'shop', format: 'directory', jobs: '2', tables: 'orders,customers' }]);
      frame = plainFrame();
      expect(frame).toContain('same as: pgcockpit backup --node pg2 --db shop --format directory --jobs 2 --table orders --table customers --yes');
    } finally {
      await stop();
    }
  });

  it("the form's values are the planner's options: tables split, jobs a number", () => {
    expect(backupEntry.fromForm!({ db: 'shop', format: 'directory', jobs: '2', tables: ' public.orders , customers,' })).toEqual({
      database: 'shop',
      format: 'directory',
      jobs: 2,
      tables: ['public.orders', 'customers'],
    });
    expect(backupEntry.fromForm!({ db: 'shop', format: 'custom', jobs: '', tables: '' })).toEqual({ database: 'shop', format: 'custom' });
  });
});

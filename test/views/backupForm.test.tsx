import { afterEach, describe, expect, it } from 'vitest';
import type { FormValues, LiveLists } from '../../src/services/runbooks/form.js';
import { formErrors, initialFormValues } from '../../src/services/runbooks/form.js';
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
  it("opens the backup form on the selected node with its databases read live (largest first, sizes beside), plans with the values chosen and typed, and shows the command line", async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const asked: Array<FormValues | undefined> = [];
    const listed: string[] = [];
    let answer: (lists: LiveLists) => void = () => undefined;
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      formLists: {
        backup: (_config, target) => {
          listed.push(target);
          return new Promise((resolve) => (answer = resolve));
        },
      },
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
      await waitForFrame(plainFrame, (frame) => frame.includes('▸ database: ‹ … ›'));
      let frame = plainFrame();
      expect(frame).toContain('reading the databases…');
      expect(frame).toContain('  format: ‹ custom ›');
      expect(frame).toMatch(/custom: one compressed file/);
      expect(listed).toEqual(['pg2']);

      // Enter before the list is read: the form waits, nothing planned.
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('✗ still reading the databases of pg2: a moment'));
      expect(asked).toEqual([]);

      answer({ databases: [{ value: 'shop', note: '2 GB' }, { value: 'postgres', note: '7 MB' }] });
      await waitForFrame(plainFrame, (text) => text.includes('▸ database: ‹ shop › 2 GB'));
      await press(KEY.right);
      await waitForFrame(plainFrame, (text) => text.includes('▸ database: ‹ postgres › 7 MB'));
      await press(KEY.left);
      await waitForFrame(plainFrame, (text) => text.includes('▸ database: ‹ shop › 2 GB'));
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

  it('a live choice not read yet takes any value (the CLI: the planner checks it); read, it must be one of the list', () => {
    const spec = backupEntry.form!;
    const values = { db: 'shop', format: 'custom', jobs: '', tables: '' };
    expect(formErrors(spec, values, ['pg1'])).toEqual({});
    expect(formErrors(spec, values, ['pg1'], { databases: [{ value: 'app' }] })).toEqual({ db: 'choose one of app' });
    expect(initialFormValues(spec, ['pg1'], { databases: [{ value: 'app', note: '1 GB' }] }).db).toBe('app');
    expect(initialFormValues(spec, ['pg1']).db).toBe('');
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

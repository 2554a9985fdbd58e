import { afterEach, describe, expect, it } from 'vitest';
import type { FormSpec, FormValues } from '../../src/services/runbooks/form.js';
import { cliLine, formErrors, initialFormValues } from '../../src/services/runbooks/form.js';
import type { OperationPlan } from '../../src/state/operation.js';
import type { RunbookPlan } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

const SHIFT_TAB = '\x1b[Z';
const TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

/** A test runbook's form (not one of the product's runbooks): a node to restore from, a recovery target time, a toggle. */
const RESTORE_FORM: FormSpec = {
  fields: [
    { kind: 'choice', name: 'from', label: 'restore from', choices: 'nodes', flag: '--from' },
    {
      kind: 'text',
      name: 'time',
      label: 'recovery target time',
      flag: '--recovery-target-time',
      validate: (value) => (TIME.test(value) ? undefined : 'write it as 2026-11-30 12:00:00'),
    },
    { kind: 'toggle', name: 'rewind', label: 'pg_rewind instead of a base backup', default: false, flag: '--rewind' },
  ],
};
const RESTORE_ENTRY = { form: RESTORE_FORM, cli: { name: 'restore', target: { argument: '<node>' } } };

function restorePlan(): OperationPlan {
  return {
    title: 'restore: rebuild pg3',
    target: 'pg3',
    checks: [{ label: 'pg2 is reachable', status: 'ok', observed: 'standby on timeline 1' }],
    steps: [{ node: 'pg3', description: 'rewind pg3 from pg2', detail: 'pg_rewind --source-server=…' }],
    blocked: false,
    blockedReasons: [],
    warnings: [],
    confirmWord: 'pg3',
    offersSwitchover: false,
    resumeReplayOffer: false,
  };
}

describe('form helpers', () => {
  it('fills defaults (nodes from the config), checks text fields, and writes the CLI line', () => {
    const values = initialFormValues(RESTORE_FORM, ['pg1', 'pg2']);
    expect(values).toEqual({ from: 'pg1', time: '', rewind: false });
    expect(formErrors(RESTORE_FORM, values, ['pg1', 'pg2'])).toEqual({ time: 'write it as 2026-11-30 12:00:00' });
    expect(formErrors(RESTORE_FORM, { ...values, from: 'pg9', time: '2026-11-30 12:00:00' }, ['pg1', 'pg2'])).toEqual({ from: 'choose one of pg1, pg2' });
    const chosen: FormValues = { from: 'pg2', time: '2026-11-30 12:00:00', rewind: true };
    expect(cliLine(RESTORE_ENTRY.cli, 'pg3', RESTORE_FORM, chosen)).toBe("pgcockpit restore pg3 --from pg2 --recovery-target-time '2026-11-30 12:00:00' --rewind --yes");
    expect(cliLine({ name: 'switchover', target: { option: '--to <node>' } }, 'pg2', { fields: [] }, {})).toBe('pgcockpit switchover --to pg2 --yes');
  });
});

describe('a runbook with a parameter form', () => {
  async function formModal() {
    const rendered = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const asked: Array<FormValues | undefined> = [];
    const stop = bindOperationsToStore(rendered.store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        failover: async (_config, _target, choices) => {
          asked.push(choices?.formValues);
          return restorePlan() as unknown as RunbookPlan;
        },
      },
    });
    rendered.store.getState().requestOperation('failover', 'pg3', RESTORE_ENTRY);
    await waitForFrame(rendered.plainFrame, (frame) => frame.includes('▸ restore from: ‹ pg1 ›'));
    return { ...rendered, asked, stop };
  }

  it('is driven by keys: an invalid time is refused in place, a valid form plans with its values and shows the CLI line', async () => {
    const { store, press, plainFrame, asked, stop } = await formModal();
    try {
      const frame = plainFrame();
      expect(frame).toContain('  recovery target time: ');
      expect(frame).toContain('  pg_rewind instead of a base backup: [ ]');
      expect(frame).toContain('Enter: plan with these values, Esc: leave');
      // The footer says what works here, from the key table.
      expect(frame.split('\n').at(-1)).toMatch(/Esc\s+cancel.*Shift-Tab\s+previous.*Tab\s+next field.*→\s+change.*Enter\s+plan/);

      // The node choice cycles with the arrows; Tab to the time, typed with a cursor.
      await press(KEY.right);
      await waitForFrame(plainFrame, (text) => text.includes('▸ restore from: ‹ pg2 ›'));
      await press(KEY.tab, ...'2026-11-30 12:00');
      await waitForFrame(plainFrame, (text) => text.includes('▸ recovery target time: 2026-11-30 12:00▏'));
      // Tab to the toggle, Space flips it; Shift-Tab goes back.
      await press(KEY.tab, KEY.space);
      await waitForFrame(plainFrame, (text) => text.includes('▸ pg_rewind instead of a base backup: [x]'));
      await press(SHIFT_TAB);
      await waitForFrame(plainFrame, (text) => text.includes('▸ recovery target time: 2026-11-30 12:00▏'));

      // Enter with the bad time: refused under its field, nothing planned.
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('✗ write it as 2026-11-30 12:00:00'));
      expect(store.getState().operation?.phase).toBe('form');
      expect(asked).toEqual([]);

      // Fixed, Enter plans with the values; the plan shows them and the equivalent command line.
      await press(...':00', KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('type pg3 to'));
      expect(asked).toEqual([{ from: 'pg2', time: '2026-11-30 12:00:00', rewind: true }]);
      const plan = plainFrame();
      expect(plan).toContain('values: from=pg2, time=2026-11-30 12:00:00, rewind=yes');
      expect(plan).toContain("same as: pgcockpit restore pg3 --from pg2 --recovery-target-time '2026-11-30 12:00:00' --rewind --yes");
      expect(plan).toContain('1. on pg3: rewind pg3 from pg2');
      expect(plan).not.toContain('✗ write it as');
    } finally {
      await stop();
    }
  });

  it('Esc leaves the form: nothing is planned', async () => {
    const { store, press, plainFrame, asked, stop } = await formModal();
    try {
      await press(KEY.escape);
      await waitForFrame(() => String(store.getState().operation), (value) => value === 'null');
      await waitForFrame(plainFrame, (frame) => !frame.includes('restore from'));
      expect(asked).toEqual([]);
    } finally {
      await stop();
    }
  });
});

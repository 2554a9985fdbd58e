import { afterEach, describe, expect, it } from 'vitest';
import type { FormValues } from '../../src/services/runbooks/form.js';
import type { OperationPlan } from '../../src/state/operation.js';
import type { RunbookPlan } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

function rebuildPlan(): OperationPlan {
  return {
    title: 'rebuild pg3 as a standby of pg1',
    target: 'pg3',
    checks: [{ label: 'method', status: 'ok', observed: 'pg_basebackup (asked for): copies 22 MB' }],
    steps: [{ node: 'pg3', description: "keep pg3's data directory aside (it is not deleted)", detail: 'mv /data/pg3 /data/pg3.pgcockpit-20261130T134501Z' }],
    blocked: false,
    blockedReasons: [],
    warnings: [],
    confirmWord: 'pg3',
    offersSwitchover: false,
    resumeReplayOffer: false,
  };
}

describe('r: rebuild the selected node', () => {
  it('opens the rebuild form (source and method, each with why its default), plans with the values chosen, and shows the command line', async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const asked: Array<FormValues | undefined> = [];
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        rebuild: async (_config, target, choices) => {
          asked.push({ target, ...choices?.formValues });
          return rebuildPlan() as unknown as RunbookPlan;
        },
      },
    });
    try {
      // pg3 selected and r, in one chunk as ssh delivers them.
      stdin.write('3r');
      await waitForFrame(plainFrame, (frame) => frame.includes('▸ copy from: ‹ primary ›'));
      let frame = plainFrame();
      expect(frame).toContain('primary: the current primary, the node the others stream from');
      expect(frame).toContain('  method: ‹ auto ›');
      expect(frame).toMatch(/auto: pg_rewind when the node forked from the source/);

      // The source cycles through primary and the nodes; Tab to the method, → to basebackup.
      await press(KEY.right);
      await waitForFrame(plainFrame, (text) => text.includes('▸ copy from: ‹ pg1 ›'));
      await press(KEY.tab, KEY.right);
      await waitForFrame(plainFrame, (text) => text.includes('▸ method: ‹ basebackup ›'));
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('type pg3 to rebuild it'));
      expect(asked).toEqual([{ target: 'pg3', from: 'pg1', method: 'basebackup' }]);
      frame = plainFrame();
      expect(frame).toContain('same as: pgcockpit rebuild pg3 --from pg1 --method basebackup --yes');
    } finally {
      await stop();
    }
  });
});

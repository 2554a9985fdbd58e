import { afterEach, describe, expect, it } from 'vitest';
import type { FormValues } from '../../src/services/runbooks/form.js';
import { pitrEntry } from '../../src/services/runbooks/pitr/pitrEntry.js';
import type { OperationPlan } from '../../src/state/operation.js';
import type { RunbookPlan } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

function pitrPlan(): OperationPlan {
  return {
    title: 'pitr: recover base-20261130T100000Z to 2026-11-30 20:00:00+09:00 side by side in /data/pg1.pgcockpit-pitr-20261130T120000Z, port 5499',
    target: 'pg1',
    checks: [{ label: 'the recovery target is one the server reads as meant', status: 'ok', observed: 'read at offset +09:00: 2026-11-30 20:00:00+09:00 (2026-11-30 11:00:00Z)' }],
    steps: [{ node: 'pg1', description: 'copy base backup base-20261130T100000Z into the new data directory', detail: 'cp -a /backups/x/. /data/pg1.pgcockpit-pitr-20261130T120000Z/' }],
    blocked: false,
    blockedReasons: [],
    warnings: [],
    confirmWord: 'base-20261130T100000Z',
    offersSwitchover: false,
    resumeReplayOffer: false,
  };
}

describe('t: point-in-time recovery', () => {
  it('opens the PITR form (target time first, each field with why), plans the newest backup that reaches it, and shows the command line', async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const asked: Array<{ target: string; values: FormValues | undefined }> = [];
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        pitr: async (_config, target, choices) => {
          asked.push({ target, values: choices?.formValues });
          return pitrPlan() as unknown as RunbookPlan;
        },
      },
    });
    try {
      stdin.write('t');
      await waitForFrame(plainFrame, (frame) => frame.includes('▸ target time: ▏'));
      expect(plainFrame()).toMatch(/abbreviations refused/);
      stdin.write('2026-11-30 20:00:00+09:00');
      await waitForFrame(plainFrame, (text) => text.includes('▸ target time: 2026-11-30 20:00:00+09:00▏'));
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('type base-20261130T100000Z to recover it side by side'));
      expect(asked).toEqual([{ target: 'auto', values: { time: '2026-11-30 20:00:00+09:00', name: '', lsn: '', target: '', action: 'auto', exclusive: false, restoreTo: '', inPlace: '', copyBack: '', db: '', port: '' } }]);
      expect(plainFrame()).toContain("same as: pgcockpit pitr --backup auto --target-time '2026-11-30 20:00:00+09:00' --action auto --yes");
    } finally {
      await stop();
    }
  });

  it("a plan taller than the screen names the form's own command line with --dry-run as the way to print it whole", async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns: 200, rows: 24 });
    const tall = { ...pitrPlan(), steps: Array.from({ length: 12 }, (_, i) => ({ node: 'pg1', description: `step number ${i + 1}`, detail: `true ${i + 1}` })) };
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: { pitr: async () => tall as unknown as RunbookPlan },
    });
    try {
      stdin.write('t');
      await waitForFrame(plainFrame, (frame) => frame.includes('▸ target time: ▏'));
      stdin.write('2026-11-30 20:00:00+09:00');
      await waitForFrame(plainFrame, (text) => text.includes('▸ target time: 2026-11-30 20:00:00+09:00▏'));
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('type base-20261130T100000Z to recover it side by side'));
      // Not "pgcockpit pitr --backup auto --dry-run": without the target that would plan nothing like this.
      expect(plainFrame()).toContain("pgcockpit pitr --backup auto --target-time '2026-11-30 20:00:00+09:00' --action auto --dry-run prints all");
    } finally {
      await stop();
    }
  });

  it('refuses a zone abbreviation in the form, before any plan', async () => {
    const { store, press, plainFrame, stdin } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    const asked: string[] = [];
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: { pitr: async (_config, target) => (asked.push(target), pitrPlan() as unknown as RunbookPlan) },
    });
    try {
      stdin.write('t');
      await waitForFrame(plainFrame, (frame) => frame.includes('▸ target time: ▏'));
      stdin.write('2022-04-24 18:16:29 KST');
      await waitForFrame(plainFrame, (text) => text.includes('2022-04-24 18:16:29 KST▏'));
      await press(KEY.enter);
      await waitForFrame(plainFrame, (text) => text.includes('"KST" is a zone abbreviation'));
      expect(asked).toEqual([]);
    } finally {
      await stop();
    }
  });

  it("the form's values are the planner's options: the one target, the port a number, in place a node", () => {
    expect(pitrEntry.fromForm!({ time: ' 2026-11-30 20:00:00Z ', name: '', lsn: '', target: '', action: 'promote', exclusive: true, restoreTo: '', inPlace: '', port: '5499' })).toEqual({
      target: { time: '2026-11-30 20:00:00Z', name: '', lsn: '', target: '' },
      action: 'promote',
      exclusive: true,
      port: 5499,
    });
    expect(pitrEntry.fromForm!({ time: '', name: '', lsn: '', target: 'immediate', action: 'pause', exclusive: false, restoreTo: '', inPlace: 'pg2', port: '' })).toMatchObject({ inPlace: 'pg2', target: { target: 'immediate' } });
    expect(pitrEntry.fromForm!({ time: 'x', action: 'pause', exclusive: false, copyBack: 'public.lost', db: 'shop' })).toMatchObject({ copyBack: 'public.lost', database: 'shop' });
    // auto (the default) leaves the action to the planner (pause, promote with --copy-back); a chosen one is passed on.
    expect(pitrEntry.fromForm!({ time: 'x', action: 'auto', exclusive: false, copyBack: 'public.lost' })).not.toHaveProperty('action');
    expect(pitrEntry.fromForm!({ time: 'x', action: 'shutdown', exclusive: false })).toMatchObject({ action: 'shutdown' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { down, NOW, primary, standby } from '../support/snapshots.js';
import type { OperationPlan } from '../../src/state/operation.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import type { CockpitStore } from '../../src/state/createCockpitStore.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

/** A failover plan for pg2 as the glue would put it into the store (views never call the runbooks). */
function failoverPlan(overrides: Partial<OperationPlan> = {}): OperationPlan {
  return {
    title: 'failover: promote pg2 to primary',
    target: 'pg2',
    checks: [
      { label: 'pg2 is a reachable standby', status: 'ok', observed: 'standby on timeline 1, PostgreSQL 16.4' },
      {
        label: 'no other primary is writable (split-brain guard)',
        status: 'warn',
        observed: 'pg1 is unreachable from here (connection refused); it may still be alive and accept writes elsewhere',
        fix: 'make sure pg1 is stopped (or fenced off) before you confirm',
      },
    ],
    steps: [
      { node: 'pg2', description: 'checkpoint pg2', detail: 'checkpoint' },
      { node: 'pg2', description: 'promote pg2', detail: 'select pg_promote(wait => false)' },
      { node: 'pg3', description: 're-point pg3 to pg2', detail: "alter system set primary_conninfo = 'host=127.0.0.1 port=5433'\nselect pg_reload_conf()" },
    ],
    blocked: false,
    blockedReasons: [],
    warnings: ['pg1 is unreachable from here (connection refused); it may still be alive and accept writes elsewhere'],
    confirmWord: 'pg2',
    offersSwitchover: false,
    resumeReplayOffer: false,
    ...overrides,
  };
}

const SPLIT_BRAIN: Partial<OperationPlan> = {
  checks: [
    { label: 'pg2 is a reachable standby', status: 'ok', observed: 'standby on timeline 1, PostgreSQL 16.4' },
    {
      label: 'no other primary is writable (split-brain guard)',
      status: 'fail',
      observed: 'pg1 is up and writable (primary at 0/3000148)',
      fix: 'failover is for a primary that is gone; use switchover',
    },
  ],
  steps: [],
  blocked: true,
  blockedReasons: ['no other primary is writable (split-brain guard): pg1 is up and writable (primary at 0/3000148)'],
  warnings: [],
  offersSwitchover: true,
};

/** The cockpit with pg2 selected, p pressed and the plan in the store. */
async function failoverModal(plan: OperationPlan = failoverPlan()) {
  const rendered = renderCockpit({ view: clusterView(), theme: noColorTheme });
  await rendered.press('2', 'p');
  const operation = rendered.store.getState().operation;
  expect(operation).toMatchObject({ kind: 'failover', target: 'pg2', phase: 'planning' });
  await waitForFrame(rendered.plainFrame, (frame) => frame.includes('planning the failover of pg2'));
  rendered.store.getState().setOperationPlan(operation!.id, plan);
  await waitForFrame(rendered.plainFrame, (frame) => frame.includes(plan.title));
  return rendered;
}

const phase = (store: CockpitStore) => () => String(store.getState().operation?.phase ?? 'none');

describe('the failover modal (p on a standby)', () => {
  it('shows the checks with what was observed, the numbered steps with their exact SQL, and the typed confirmation', async () => {
    const { plainFrame } = await failoverModal();
    const frame = plainFrame();
    expect(frame).toContain('✓ pg2 is a reachable standby: standby on timeline 1, PostgreSQL 16.4');
    expect(frame).toContain('! no other primary is writable (split-brain guard): pg1 is unreachable from here');
    expect(frame).toContain('→ make sure pg1 is stopped (or fenced off) before you confirm');
    expect(frame).toContain('2. on pg2: promote pg2');
    expect(frame).toContain('select pg_promote(wait => false)');
    expect(frame).toContain('select pg_reload_conf()');
    expect(frame).toContain('⚠ pg1 is unreachable from here');
    expect(frame).toContain('type pg2 to promote it, Esc to cancel');
    // The footer says what works here, from the key table.
    expect(frame.split('\n').at(-1)).toMatch(/Enter\s+run it.*Esc\s+cancel/);
  });

  it('runs only on the exact name: a wrong name and Enter do nothing, the right one starts it', async () => {
    const { store, press, plainFrame } = await failoverModal();
    await press('p', 'g', '3');
    await waitForFrame(plainFrame, (frame) => frame.includes('> pg3▏  ✗ does not match pg2'));
    await press(KEY.enter);
    expect(store.getState().operation).toMatchObject({ phase: 'confirm', typed: 'pg3' });
    expect(plainFrame()).toContain('type pg2 to promote it');

    await press(KEY.backspace, '2');
    await waitForFrame(plainFrame, (frame) => frame.includes('> pg2▏  ✓ matches: Enter runs it'));
    await press(KEY.enter);
    await waitForFrame(phase(store), (value) => value === 'running');
    // The modal closes into the job bar and the log.
    await waitForFrame(plainFrame, (frame) => frame.includes('▶ FAILOVER') && frame.includes('failover: promote pg2 to primary ·') && !frame.includes('type pg2 to promote it'));
  });

  it('Esc cancels: the modal closes and nothing is confirmed', async () => {
    const { store, press, plainFrame } = await failoverModal();
    await press('p', 'g', '2', KEY.escape);
    await waitForFrame(phase(store), (value) => value === 'none');
    await waitForFrame(plainFrame, (frame) => !frame.includes('failover: promote pg2'));
    expect(store.getState().operation).toBeNull();
  });

  it('Esc cancels while the plan is still being made', async () => {
    const { store, press, plainFrame } = renderCockpit({ view: clusterView() });
    await press('2', 'p');
    await waitForFrame(plainFrame, (frame) => frame.includes('planning the failover of pg2'));
    await press(KEY.escape);
    await waitForFrame(phase(store), (value) => value === 'none');
  });

  it('q typed in the modal is text, not quit; ? and Space are text too', async () => {
    const { store, press, plainFrame, exited } = await failoverModal();
    await press('q', '?', ' ');
    await waitForFrame(plainFrame, (frame) => frame.includes('> q? ▏'));
    expect(exited()).toBe(false);
    expect(store.getState()).toMatchObject({ overlay: 'none', paused: false });
    expect(store.getState().operation?.typed).toBe('q? ');
  });

  it('a split-brain refusal shows why, has no confirmation input, and offers a switchover', async () => {
    const { store, press, plainFrame } = await failoverModal(failoverPlan(SPLIT_BRAIN));
    const frame = plainFrame();
    expect(frame).toContain('✗ no other primary is writable (split-brain guard): pg1 is up and writable');
    expect(frame).toContain('✗ refused, nothing was changed: no other primary is writable (split-brain guard)');
    expect(frame).toContain('switch over instead: press s');
    expect(frame).not.toContain('type pg2 to');
    expect(frame.split('\n').at(-1)).toMatch(/s\s+switch over.*Esc\s+cancel/);

    // Letters are not typed, Enter runs nothing.
    await press('p', 'g', '2', KEY.enter);
    expect(store.getState().operation).toMatchObject({ phase: 'confirm', typed: '' });

    await press('s');
    await waitForFrame(() => store.getState().operation?.kind, (kind) => kind === 'switchover');
    expect(store.getState().operation).toMatchObject({ kind: 'switchover', target: 'pg2', phase: 'planning' });
    await press(KEY.escape);
    await waitForFrame(phase(store), (value) => value === 'none');
  });

  it('a plan that could not be made says why; Esc closes it', async () => {
    const { store, press, plainFrame } = renderCockpit({ view: clusterView() });
    await press('2', 'p');
    store.getState().operationFinished(store.getState().operation!.id, { succeeded: false, error: 'pg2: connection refused' });
    await waitForFrame(plainFrame, (frame) => frame.includes('✗ could not plan the failover: pg2: connection refused'));
    await press(KEY.escape);
    await waitForFrame(phase(store), (value) => value === 'none');
  });

  it('while the steps run, q does not quit: it says to wait', async () => {
    const { store, press, plainFrame, exited } = await failoverModal();
    await press('p', 'g', '2', KEY.enter);
    await waitForFrame(phase(store), (value) => value === 'running');
    await press('q');
    await waitForFrame(plainFrame, (frame) => frame.includes('failover of pg2 is running'));
    expect(exited()).toBe(false);
  });

  it('s on a standby asks for a switchover to it, confirmed the same way', async () => {
    const { store, press, plainFrame } = renderCockpit({ view: clusterView(), theme: noColorTheme });
    await press('3', 's');
    const operation = store.getState().operation!;
    expect(operation).toMatchObject({ kind: 'switchover', target: 'pg3', phase: 'planning' });
    store.getState().setOperationPlan(
      operation.id,
      failoverPlan({ title: 'switchover: make pg3 the primary, pg1 a standby of it', target: 'pg3', confirmWord: 'pg3', warnings: [] }),
    );
    await waitForFrame(plainFrame, (frame) => frame.includes('type pg3 to switch over to it, Esc to cancel'));
    await press('p', 'g', '3', KEY.enter);
    await waitForFrame(phase(store), (value) => value === 'running');
  });

  it('a plan taller than the screen scrolls (PgDn/PgUp, ↓/↑), says where it is, the confirmation staying in view', async () => {
    const { store, press, plainFrame } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns: 80, rows: 24 });
    await press('2', 'p');
    const steps = Array.from({ length: 12 }, (_, index) => ({ node: 'pg2', description: `step number ${index + 1}`, detail: `select ${index + 1}` }));
    store.getState().setOperationPlan(store.getState().operation!.id, failoverPlan({ steps }));
    let frame = await waitForFrame(plainFrame, (text) => text.includes('type pg2 to promote it, Esc to cancel'));
    expect(frame).toMatch(/↓ \d+ more lines · lines 1–\d+ of \d+ · ↑\/↓ PgUp\/PgDn: scroll/);
    expect(frame).toContain('Pre-flight checks');
    expect(frame).not.toContain('12. on pg2: step number 12');

    // Down a page, then to the end: the last step shows, the first rows are gone; the confirmation stays.
    await press(KEY.pageDown);
    frame = await waitForFrame(plainFrame, (text) => !text.includes('Pre-flight checks'));
    expect(frame).toMatch(/lines \d+–\d+ of \d+/);
    await press(KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.pageDown);
    frame = await waitForFrame(plainFrame, (text) => text.includes('12. on pg2: step number 12'));
    expect(frame).not.toContain('more lines');
    expect(frame).toContain('type pg2 to promote it, Esc to cancel');
    // One row up, then back to the top; the keys were not typed into the confirmation.
    const bottom = frame;
    await press(KEY.up);
    frame = await waitForFrame(plainFrame, (text) => text !== bottom && text.includes('↓ 1 more lines'));
    await press(KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp, KEY.pageUp);
    frame = await waitForFrame(plainFrame, (text) => text.includes('Pre-flight checks'));
    expect(frame).toMatch(/lines 1–/);
    await press(KEY.down);
    await waitForFrame(plainFrame, (text) => /lines 2–/.test(text));
    expect(store.getState().operation?.typed).toBe('');
  });

  it('wraps a long check instead of cutting it: the sentence ends on screen', async () => {
    const observed = 'only what nc2 wrote after 0/5016FF0 and no standby received is lost when pg2 is promoted, and the old primary must be rebuilt before it can follow';
    const { store, press, plainFrame } = renderCockpit({ view: clusterView(), theme: noColorTheme, columns: 80, rows: 24 });
    await press('2', 'p');
    store.getState().setOperationPlan(store.getState().operation!.id, failoverPlan({ checks: [{ label: 'data loss', status: 'warn', observed }], warnings: [] }));
    const frame = await waitForFrame(plainFrame, (text) => text.includes('type pg2 to promote it'));
    expect(frame.split('\n').every((line) => line.length <= 80)).toBe(true);
    // Read across the wrapped rows (border and indent dropped), the whole sentence is there, none of it cut with …
    expect(frame.replace(/[║\s]+/g, ' ')).toContain(observed);
    expect(frame).not.toContain('…');
  });

  it('marks a node left needing a rebuild in its pane, in words', async () => {
    const { store, plainFrame } = await failoverModal();
    const id = store.getState().operation!.id;
    store.getState().typeConfirmation('pg2');
    store.getState().confirmOperation();
    store.getState().operationFinished(id, { succeeded: true, needsRebuild: ['pg1'] });
    await waitForFrame(plainFrame, (frame) => frame.includes('NEEDS REBUILD'));
    expect(store.getState()).toMatchObject({ needsRebuild: ['pg1'], operation: { phase: 'done' } });
    // Only in pg1's pane: the first column of the grid.
    const rebuildLine = plainFrame().split('\n').find((line) => line.includes('NEEDS REBUILD'))!;
    expect(rebuildLine.indexOf('NEEDS REBUILD')).toBeLessThan(40);
  });

  it('drops the mark once the live view shows the node streaming as a standby on the new primary\'s timeline', async () => {
    const { store, plainFrame } = await failoverModal();
    const id = store.getState().operation!.id;
    store.getState().typeConfirmation('pg2');
    store.getState().confirmOperation();
    store.getState().operationFinished(id, { succeeded: true, needsRebuild: ['pg1'] });
    await waitForFrame(plainFrame, (frame) => frame.includes('NEEDS REBUILD'));
    const pg2 = primary('pg2', { server: { timeline: 2 } });
    // Still down: marked.
    store.getState().applyView(buildClusterView([down('pg1'), pg2, standby('pg3', pg2)], DEFAULT_THRESHOLDS, NOW));
    expect(store.getState().needsRebuild).toEqual(['pg1']);
    // Rebuilt and streaming from pg2 on timeline 2: the pane says so no more.
    store.getState().applyView(buildClusterView([standby('pg1', pg2), pg2, standby('pg3', pg2)], DEFAULT_THRESHOLDS, NOW + 1000));
    await waitForFrame(plainFrame, (frame) => !frame.includes('NEEDS REBUILD'));
    expect(store.getState().needsRebuild).toEqual([]);
  });
});

describe('the fence offer (the old primary still runs on its host but does not answer here)', () => {
  const FENCE_OFFER: Partial<OperationPlan> = {
    warnings: ["pg1's server still runs on its host but does not answer here: it could come back as a second primary; fence it (--fence) before promoting"],
    fenceOffer: ['pg1'],
  };

  it('shows the offer with its key in the modal; letters stay text; Ctrl-F plans the same failover again with the fence chosen', async () => {
    const { store, press, plainFrame } = await failoverModal(failoverPlan(FENCE_OFFER));
    const frame = plainFrame();
    expect(frame).toContain("⚠ pg1's server still runs on its host but does not answer here");
    expect(frame).toContain('fence pg1 first (stop its server on its host, then promote): press Ctrl-F');
    expect(frame).toContain('type pg2 to promote it, Esc to cancel');
    expect(frame.split('\n').at(-1)).toMatch(/Enter\s+run it.*Esc\s+cancel/);
    // f is a letter of the confirmation, not the fence.
    await press('f');
    await waitForFrame(plainFrame, (text) => text.includes('> f▏'));
    expect(store.getState().operation).toMatchObject({ phase: 'confirm', typed: 'f' });
    await press(KEY.backspace);

    const before = store.getState().operation!.id;
    await press('\x06');
    await waitForFrame(() => String(store.getState().operation?.id), (id) => id === String(before + 1));
    expect(store.getState().operation).toMatchObject({ kind: 'failover', target: 'pg2', phase: 'planning', typed: '', choices: { fence: true } });
    expect(store.getState().operation?.choices.resumeReplay).toBeUndefined();
    expect(store.getState().operation?.plan).toBeUndefined();
    await waitForFrame(plainFrame, (text) => text.includes('planning the failover of pg2'));
    // A late plan for the old request is dropped.
    store.getState().setOperationPlan(before, failoverPlan(FENCE_OFFER));
    expect(store.getState().operation).toMatchObject({ id: before + 1, phase: 'planning' });
  });

  it('the glue plans with the operation\'s choices: fence only once it was chosen', async () => {
    const store = createCockpitStore({ cluster: 'test', nodes: [] });
    const asked: Array<{ target: string; fence: boolean }> = [];
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        failover: async (_config, target, choices) => {
          asked.push({ target, fence: choices?.fence === true });
          return { ...failoverPlan(choices?.fence ? { fenceOffer: [] } : FENCE_OFFER), steps: [] };
        },
      },
    });
    try {
      store.getState().requestOperation('failover', 'pg2');
      await waitForFrame(() => store.getState().operation?.phase, (value) => value === 'confirm');
      expect(store.getState().operation?.plan?.fenceOffer).toEqual(['pg1']);
      // Ctrl-F in the modal: the same failover planned again with the fence chosen.
      store.getState().replanOperation({ fence: true });
      expect(store.getState().operation?.choices).toEqual({ fence: true });
      await waitForFrame(() => String(asked.length), (count) => count === '2');
      await waitForFrame(() => store.getState().operation?.phase, (value) => value === 'confirm');
      expect(store.getState().operation?.plan?.fenceOffer).toBeUndefined();
      expect(asked).toEqual([
        { target: 'pg2', fence: false },
        { target: 'pg2', fence: true },
      ]);
      // Cancelled and asked afresh (p on the grid): no fence.
      store.getState().cancelOperation();
      store.getState().requestOperation('failover', 'pg2');
      expect(store.getState().operation?.choices).toEqual({});
      await waitForFrame(() => String(asked.length), (count) => count === '3');
      expect(asked[2]).toEqual({ target: 'pg2', fence: false });
      // The same target asked again straight from a plan that offered the fence, without Ctrl-F: no fence (no implicit choice).
      await waitForFrame(() => store.getState().operation?.phase, (value) => value === 'confirm');
      expect(store.getState().operation?.plan?.fenceOffer).toEqual(['pg1']);
      store.getState().requestOperation('failover', 'pg2');
      await waitForFrame(() => String(asked.length), (count) => count === '4');
      expect(asked[3]).toEqual({ target: 'pg2', fence: false });
    } finally {
      await stop();
    }
  });
});

describe('the fence offer on a refused failover (the old primary is alive on its host)', () => {
  const ALIVE: Partial<OperationPlan> = {
    checks: [
      { label: 'pg2 is a reachable standby', status: 'ok', observed: 'standby on timeline 1, PostgreSQL 16.4' },
      {
        label: 'pg1 is gone (it must not stay a primary beside the new one)',
        status: 'fail',
        observed: 'pg1 is alive: its server answered pgcockpit\'s login with "too many connections"',
        fix: 'fence it first: --fence (Ctrl-F in the cockpit) stops its server on its host, then promotes',
      },
    ],
    steps: [],
    blocked: true,
    blockedReasons: ['pg1 is gone (it must not stay a primary beside the new one): pg1 is alive'],
    warnings: [],
    fenceOffer: ['pg1'],
    resumeReplayOffer: false,
  };

  it('shows the refusal with Ctrl-F; Ctrl-F plans the same failover again with the fence chosen', async () => {
    const { store, press, plainFrame } = await failoverModal(failoverPlan(ALIVE));
    const frame = plainFrame();
    expect(frame).toContain('✗ refused, nothing was changed: pg1 is gone');
    expect(frame).toContain('fence pg1 first (stop its server on its host, then promote): press Ctrl-F (plans again)');
    expect(frame).not.toContain('switch over instead');
    // The footer names the key too (it reads the same table as the router).
    expect(frame.split('\n').at(-1)).toMatch(/Ctrl-F\s+fence first/);
    const before = store.getState().operation!.id;
    await press('\x06');
    await waitForFrame(() => String(store.getState().operation?.id), (id) => id === String(before + 1));
    expect(store.getState().operation).toMatchObject({ kind: 'failover', target: 'pg2', phase: 'planning', choices: { fence: true } });
  });
});

describe('the resume-replay offer (a failover refused only because WAL replay is paused on the target)', () => {
  const PAUSED: Partial<OperationPlan> = {
    checks: [
      { label: 'pg2 is a reachable standby', status: 'ok', observed: 'standby on timeline 1, PostgreSQL 16.4' },
      {
        label: 'WAL replay is not paused',
        status: 'fail',
        observed: 'replay is paused on pg2 with 0 B received but not applied',
        fix: 'resume it first: pass --resume-replay (select pg_wal_replay_resume())',
      },
    ],
    steps: [],
    blocked: true,
    blockedReasons: ['WAL replay is not paused: replay is paused on pg2 with 0 B received but not applied'],
    warnings: [],
    resumeReplayOffer: true,
  };

  it('shows the refusal with the offer and its key; letters and Enter do nothing; Ctrl-R plans the same failover again with resumeReplay chosen', async () => {
    const { store, press, plainFrame } = await failoverModal(failoverPlan(PAUSED));
    const frame = plainFrame();
    expect(frame).toContain('✗ refused, nothing was changed: WAL replay is not paused: replay is paused on pg2');
    expect(frame).toContain('WAL replay is paused (see above): press Ctrl-R to resume it first (plans again)');
    expect(frame).not.toContain('type pg2 to');
    expect(frame).not.toContain('switch over instead');
    expect(frame.split('\n').at(-1)).toMatch(/Esc\s+cancel/);

    await press('r', 'R', 'p', 'g', '2', KEY.enter, '\x06');
    expect(store.getState().operation).toMatchObject({ phase: 'confirm', typed: '', choices: {} });

    const before = store.getState().operation!.id;
    await press('\x12');
    await waitForFrame(() => String(store.getState().operation?.id), (id) => id === String(before + 1));
    expect(store.getState().operation).toMatchObject({ kind: 'failover', target: 'pg2', phase: 'planning', typed: '', choices: { resumeReplay: true } });
    expect(store.getState().operation?.choices.fence).toBeUndefined();
    expect(store.getState().operation?.plan).toBeUndefined();
    await waitForFrame(plainFrame, (text) => text.includes('planning the failover of pg2'));
    // A late plan for the old request is dropped.
    store.getState().setOperationPlan(before, failoverPlan(PAUSED));
    expect(store.getState().operation).toMatchObject({ id: before + 1, phase: 'planning' });
  });

  it('a refusal without the offer (another check failed too, or a switchover) does not take Ctrl-R', async () => {
    const { store, press, plainFrame } = await failoverModal(failoverPlan({ ...PAUSED, resumeReplayOffer: false }));
    expect(plainFrame()).not.toContain('press Ctrl-R');
    const before = store.getState().operation!.id;
    await press('\x12');
    expect(store.getState().operation).toMatchObject({ id: before, phase: 'confirm', choices: {} });
  });

  it('Ctrl-R after Ctrl-F keeps the fence: the choices merge, and the glue plans with both', async () => {
    const store = createCockpitStore({ cluster: 'test', nodes: [] });
    const asked: Array<{ fence: boolean; resumeReplay: boolean }> = [];
    const stop = bindOperationsToStore(store, { cluster: 'test', nodes: [] } as never, {
      audit: { recordPlan: async () => undefined } as never,
      preparers: {
        failover: async (_config, _target, choices) => {
          asked.push({ fence: choices?.fence === true, resumeReplay: choices?.resumeReplay === true });
          return { ...failoverPlan(choices?.resumeReplay ? { fenceOffer: ['pg1'] } : PAUSED), steps: [] };
        },
      },
    });
    try {
      store.getState().requestOperation('failover', 'pg2');
      await waitForFrame(() => store.getState().operation?.phase, (value) => value === 'confirm');
      expect(store.getState().operation?.plan?.resumeReplayOffer).toBe(true);
      store.getState().replanOperation({ resumeReplay: true });
      await waitForFrame(() => String(asked.length), (count) => count === '2');
      await waitForFrame(() => store.getState().operation?.phase, (value) => value === 'confirm');
      expect(store.getState().operation?.plan).toMatchObject({ blocked: false, resumeReplayOffer: false, fenceOffer: ['pg1'] });
      store.getState().replanOperation({ fence: true });
      expect(store.getState().operation?.choices).toEqual({ resumeReplay: true, fence: true });
      await waitForFrame(() => String(asked.length), (count) => count === '3');
      expect(asked).toEqual([
        { fence: false, resumeReplay: false },
        { fence: false, resumeReplay: true },
        { fence: true, resumeReplay: true },
      ]);
    } finally {
      await stop();
    }
  });
});

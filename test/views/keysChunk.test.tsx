import { afterEach, describe, expect, it } from 'vitest';
import type { FormSpec } from '../../src/services/runbooks/form.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, settle, waitForFrame } from '../support/renderCockpit.js';
import { clusterView } from './fixtures.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

/**
 * Keys that reach the cockpit in one stdin write, as ssh and `tmux send-keys`
 * deliver them: each is handled, in order, on every screen.
 */
function cockpit() {
  const rendered = renderCockpit({ view: clusterView(), theme: noColorTheme });
  /** One write holding every key, then the turns Ink and React need. */
  const chunk = async (text: string) => {
    rendered.stdin.write(text);
    await settle();
  };
  return { ...rendered, chunk };
}

const selected = (store: ReturnType<typeof cockpit>['store']) => () => String(store.getState().selectedNode);

describe('keys in one chunk', () => {
  it('"jj" moves the selection twice; "2\\r" selects pg2 and opens its detail', async () => {
    const { store, chunk, plainFrame } = cockpit();
    await chunk('jj');
    await waitForFrame(selected(store), (s) => s === '2');
    await chunk('k');
    await waitForFrame(selected(store), (s) => s === '1');
    await chunk('1');
    await chunk('2\r');
    await waitForFrame(plainFrame, (f) => /2 pg2 · .* · detail/.test(f));
    expect(store.getState()).toMatchObject({ selectedNode: 1, overlay: 'detail' });
  });

  it('letters and escape sequences mixed in one chunk go in order: j, ↓, k', async () => {
    const { store, chunk } = cockpit();
    await chunk(`j${KEY.down}k${KEY.down}`);
    await waitForFrame(selected(store), (s) => s === '2');
  });

  it('"??" opens and closes the help; "?" then "jj" scrolls it; a lone Esc still closes it', async () => {
    const { store, chunk } = cockpit();
    await chunk('??');
    expect(store.getState().overlay).toBe('none');
    await chunk('?jj');
    expect(store.getState()).toMatchObject({ overlay: 'help', helpTop: 2, selectedNode: 0 });
    await chunk(KEY.escape);
    await waitForFrame(() => store.getState().overlay, (o) => o === 'none');
  });

  it('Esc and a key in one chunk (what Ink reads as Alt-q) are Esc, then the key: the help closes, then q quits', async () => {
    const { store, chunk, exited } = cockpit();
    await chunk('?');
    expect(store.getState().overlay).toBe('help');
    await chunk(`${KEY.escape}j`);
    expect(store.getState()).toMatchObject({ overlay: 'none', selectedNode: 1 });
    await chunk(`?${KEY.escape}q`);
    await waitForFrame(() => String(exited()), (value) => value === 'true');
  });

  it('"/text\\r" in one chunk with the log focused opens the search, types the text (q too) and confirms it', async () => {
    const { store, chunk } = cockpit();
    await chunk(`${KEY.tab}/pgq${KEY.backspace}1\r`);
    await waitForFrame(() => store.getState().logSearchQuery, (query) => query === 'pg1');
    expect(store.getState().logSearchDraft).toBeNull();
  });

  it('a bracketed paste is text: typed into the search whole, never read as keys in the grid', async () => {
    const { store, chunk, exited } = cockpit();
    await chunk('\x1b[200~q2\r\x1b[201~');
    expect(store.getState()).toMatchObject({ selectedNode: 0, overlay: 'none' });
    expect(exited()).toBe(false);
    await chunk(`${KEY.tab}/`);
    await chunk('\x1b[200~pg q\x1b[201~');
    expect(store.getState().logSearchDraft).toBe('pg q');
  });

  it('the typed confirmation takes a chunk as text and Enter at its end ("pg2\\r")', async () => {
    const { store, chunk } = cockpit();
    await chunk('2p');
    const operation = store.getState().operation!;
    expect(operation).toMatchObject({ kind: 'failover', target: 'pg2', phase: 'planning' });
    store.getState().setOperationPlan(operation.id, {
      title: 'failover: promote pg2 to primary',
      target: 'pg2',
      checks: [],
      steps: [{ node: 'pg2', description: 'promote pg2', detail: 'select pg_promote()' }],
      blocked: false,
      blockedReasons: [],
      warnings: [],
      confirmWord: 'pg2',
      offersSwitchover: false,
      resumeReplayOffer: false,
    });
    await chunk('pgx\x7f2');
    expect(store.getState().operation?.typed).toBe('pg2');
    await chunk('q?');
    expect(store.getState().operation?.typed).toBe('pg2q?');
    await chunk('\x7f\x7f\r');
    await waitForFrame(() => String(store.getState().operation?.phase), (p) => p !== 'confirm');
  });

  it('a parameter form takes Tab, text and Space in one chunk', async () => {
    const form: FormSpec = {
      fields: [
        { kind: 'choice', name: 'from', label: 'restore from', choices: 'nodes', flag: '--from' },
        { kind: 'text', name: 'time', label: 'recovery target time', flag: '--recovery-target-time' },
        { kind: 'toggle', name: 'rewind', label: 'pg_rewind', default: false, flag: '--rewind' },
      ],
    };
    const { store, chunk, plainFrame } = cockpit();
    store.getState().requestOperation('failover', 'pg3', { form, cli: { name: 'restore', target: { argument: '<node>' } } } as never);
    await waitForFrame(plainFrame, (frame) => frame.includes('▸ restore from: ‹ pg1 ›'));
    await chunk(`${KEY.right}\t12:00 x\x7f\t `);
    expect(store.getState().operation?.form?.values).toEqual({ from: 'pg2', time: '12:00 ', rewind: true });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/services/os/freePort.js';
import type { Plan } from '../../src/services/runbooks/plan.js';
import type { CopyState } from '../../src/services/runbooks/pitr/copyFollowUp.js';
import { planCopyFollowUp } from '../../src/services/runbooks/pitr/copyFollowUp.js';
import { planCopyBackFollowUp } from '../../src/services/runbooks/pitr/copyBackFollowUp.js';
import type { RecoveredCopy } from '../../src/services/runbooks/pitr/recoveredCopy.js';
import type { CockpitStore } from '../../src/state/createCockpitStore.js';
import { operationPlanOf } from '../../src/state/operation.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { noColorTheme } from '../../src/views/theme.js';
import { cleanupCockpits, renderCockpit, threeNodeConfig, waitForFrame } from '../support/renderCockpit.js';
import { KEY } from './paneText.js';

afterEach(cleanupCockpits);

const CTRL_R = '\x12';
const CTRL_P = '\x10';
const CTRL_T = '\x14';

const copy: RecoveredCopy = {
  host: 'pg1',
  address: '127.0.0.1',
  port: 5499,
  dest: '/srv/pg1.pgcockpit-pitr-20261130T120000Z',
  pgCtl: 'pg_ctl',
  psql: 'psql',
  loginNode: 'pg1',
  user: 'postgres',
  database: 'postgres',
  major: 17,
  backupId: 'base-20261130T100000Z',
};
const paused: CopyState = { dataDirectory: copy.dest, port: 5499, inRecovery: true, pauseState: 'paused', readOnly: true };

/** A PITR operation run to its end, paused, as the glue reports it: the copy in the outcome. */
function finishPausedPitr(store: CockpitStore) {
  const state = store.getState();
  state.requestOperation('pitr', 'auto');
  store.getState().submitForm();
  const id = store.getState().operation!.id;
  store.getState().setOperationPlan(id, { ...operationPlanOf({ title: 'pitr: recover base-20261130T100000Z to 2026-11-30 10:30:00+00:00 side by side', target: 'pg1', checks: [], steps: [{ node: 'pg1', description: 'replay', detail: 'tail -F', mutating: false, run: async () => undefined }], blocked: false, blockedReasons: [], confirmWord: 'base-20261130T100000Z', warnings: [] }) });
  store.getState().typeConfirmation('base-20261130T100000Z');
  store.getState().confirmOperation();
  store.getState().operationFinished(id, { succeeded: true, pausedCopy: copy });
}

const footer = (frame: string) => frame.split('\n').at(-1) ?? '';

/** The PITR's plan as its planner makes it (the copy said), whose replay step reads the end: `state`. */
function pitrPlanEndingIn(state: 'paused' | 'promoted', copy: RecoveredCopy): Plan & { copy: RecoveredCopy; end?: { state: 'paused' | 'promoted' } } {
  const plan: Plan & { copy: RecoveredCopy; end?: { state: 'paused' | 'promoted' } } = {
    title: 'pitr: recover base-20261130T100000Z side by side',
    target: 'pg1',
    checks: [],
    steps: [
      {
        node: 'pg1',
        description: 'replay the archived WAL up to the target',
        detail: 'tail -F',
        mutating: false,
        run: async () => {
          plan.end = { state };
          return `${state} after 1 s`;
        },
      },
    ],
    blocked: false,
    blockedReasons: [],
    confirmWord: 'base-20261130T100000Z',
    warnings: [],
    copy,
  };
  return plan;
}

/** Through the glue: the PITR asked for, its form submitted, the backup's id typed, run until done. */
async function runPitrToItsEnd(store: CockpitStore) {
  store.getState().requestOperation('pitr', 'auto');
  store.getState().submitForm();
  await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'confirm');
  store.getState().typeConfirmation('base-20261130T100000Z');
  store.getState().confirmOperation();
  await waitForFrame(() => String(store.getState().operation?.phase), (phase) => phase === 'done', 10_000);
}

describe('a PITR copy paused at its target (Ctrl-R resumes it, Ctrl-P promotes it)', () => {
  it('is offered only once a PITR ended paused; Ctrl-P plans its promotion, the port typed runs it; Esc keeps the offer; done, it goes', async () => {
    const { store, press, plainFrame } = renderCockpit({ theme: noColorTheme });
    await waitForFrame(plainFrame, (frame) => frame.includes('help'));
    expect(footer(plainFrame())).not.toContain('resume copy');
    await press(CTRL_R, CTRL_P);
    expect(store.getState().operation).toBeNull();

    finishPausedPitr(store);
    expect(store.getState()).toMatchObject({ operation: { kind: 'pitr', phase: 'done' }, pausedCopy: copy });
    const offered = await waitForFrame(plainFrame, (frame) => footer(frame).includes('resume copy'));
    expect(footer(offered)).toContain('promote copy');

    await press(CTRL_P);
    expect(store.getState().operation).toMatchObject({ kind: 'pitr', phase: 'planning', choices: { copyFollowUp: { action: 'promote', copy } } });
    await waitForFrame(plainFrame, (frame) => frame.includes('planning: reading the state of the copy on pg1, port 5499…'));
    const id = store.getState().operation!.id;
    store.getState().setOperationPlan(id, operationPlanOf(planCopyFollowUp(copy, 'promote', { state: paused })));
    const modal = await waitForFrame(plainFrame, (frame) => frame.includes('type 5499 to promote the copy on that port, Esc to cancel'));
    expect(modal).toContain('pitr: promote the copy paused at the target (base-20261130T100000Z, port 5499)');
    expect(modal).toContain(`✓ the server on port 5499 is the copy in ${copy.dest}, paused at the target: in`);
    expect(modal).toContain('recovery, replay paused, read-only');
    expect(modal).toContain('select pg_promote(true, 60)');
    expect(modal).toContain("ends the copy's recovery for good");
    // In the modal the offer is not heard: Ctrl-R does not plan anew, letters are the confirmation.
    expect(footer(modal)).not.toContain('resume copy');
    await press(CTRL_R);
    expect(store.getState().operation).toMatchObject({ id, phase: 'confirm', typed: '' });

    // Esc: nothing ran, the copy is still paused and still offered.
    await press(KEY.escape);
    await waitForFrame(plainFrame, (frame) => !frame.includes('type 5499'));
    expect(store.getState().operation).toBeNull();
    expect(footer(await waitForFrame(plainFrame, (frame) => footer(frame).includes('resume copy')))).toContain('promote copy');

    await press(CTRL_R);
    expect(store.getState().operation).toMatchObject({ kind: 'pitr', phase: 'planning', choices: { copyFollowUp: { action: 'resume' } } });
    const resumeId = store.getState().operation!.id;
    store.getState().setOperationPlan(resumeId, operationPlanOf(planCopyFollowUp(copy, 'resume', { state: paused })));
    await waitForFrame(plainFrame, (frame) => frame.includes('type 5499 to resume the copy on that port (recovery ends), Esc to cancel') && frame.includes('select pg_wal_replay_resume()'));
    await press('5', '4', '9', '9', KEY.enter);
    expect(store.getState().operation).toMatchObject({ id: resumeId, phase: 'running' });

    // Its recovery ended: the offer goes, and the keys do nothing.
    store.getState().operationFinished(resumeId, { succeeded: true, pausedCopy: null });
    expect(store.getState().pausedCopy).toBeNull();
    await waitForFrame(plainFrame, (frame) => !footer(frame).includes('resume copy'));
    await press(CTRL_R, CTRL_P);
    expect(store.getState().operation).toMatchObject({ id: resumeId, phase: 'done' });
  });

  it('the glue: a PITR plan that ended paused leaves the offer and a log line; Ctrl-R on a copy that does not answer is refused and the offer goes', async () => {
    const port = await freePort();
    const gone = { ...copy, port, psql: 'psql' };
    const config = threeNodeConfig;
    const { store, press, plainFrame } = renderCockpit({ config, theme: noColorTheme });
    const stop = bindOperationsToStore(store, config, { audit: { recordPlan: async () => undefined }, preparers: { pitr: async () => pitrPlanEndingIn('paused', gone) } });
    try {
      await runPitrToItsEnd(store);
      expect(store.getState().pausedCopy).toEqual({ ...gone, paused: true });
      expect(store.getState().log.map((line) => line.text)).toContain(
        `⏸ the copy of base-20261130T100000Z in ${copy.dest} (port ${port}) is paused at the target, read-only: Ctrl-R resumes it, Ctrl-P promotes it (either ends recovery: a writable copy on a new timeline), Ctrl-T copies a table back into production; each shows its plan first`,
      );
      await waitForFrame(plainFrame, (frame) => footer(frame).includes('resume copy'));

      await press(CTRL_R);
      const refused = await waitForFrame(plainFrame, (frame) => frame.includes('✗ refused, nothing was changed'), 15_000);
      expect(refused).toContain(`the server on port ${port} is the copy in ${copy.dest}`);
      expect(refused).toMatch(new RegExp(`psql to 127\\.0\\.0\\.1:${port} on pg1`));
      expect(store.getState().pausedCopy).toBeNull();
      await press(KEY.escape);
      await waitForFrame(plainFrame, (frame) => !frame.includes('refused'));
      expect(footer(plainFrame())).not.toContain('resume copy');
    } finally {
      await stop();
    }
  });

  it('Ctrl-T on a finished PITR: the form (table, database), then the copy-back plan, the table typed starts it; promoted, only Ctrl-T stays', async () => {
    const { store, press, stdin, plainFrame } = renderCockpit({ theme: noColorTheme });
    await waitForFrame(plainFrame, (frame) => frame.includes('help'));
    await press(CTRL_T);
    expect(store.getState().operation).toBeNull();

    finishPausedPitr(store);
    await waitForFrame(plainFrame, (frame) => footer(frame).includes('copy table back'));
    await press(CTRL_T);
    expect(store.getState().operation).toMatchObject({ kind: 'pitr', phase: 'form', choices: { copyBack: { copy } } });
    await waitForFrame(plainFrame, (frame) => frame.includes('table to copy back'));
    // Enter with no table: refused in place.
    await press(KEY.enter);
    await waitForFrame(plainFrame, (frame) => frame.includes('name the table: schema.table'));
    stdin.write('public.lost');
    await waitForFrame(plainFrame, (frame) => frame.includes('public.lost▏'));
    await press(KEY.enter);
    expect(store.getState().operation).toMatchObject({ phase: 'planning', form: { values: { table: 'public.lost', database: 'postgres' } } });
    await waitForFrame(plainFrame, (frame) => frame.includes("planning: reading the copy on pg1, port 5499, and production's primary…"));

    const id = store.getState().operation!.id;
    const plan = planCopyBackFollowUp(threeNodeConfig, copy, { table: 'public.lost', database: 'postgres' }, { copyState: paused, tableOnCopy: true, production: { primary: 'pg1', database: 'postgres', tableAbsent: true } });
    store.getState().setOperationPlan(id, operationPlanOf(plan));
    const modal = await waitForFrame(plainFrame, (frame) => frame.includes('type public.lost to restore it into the production primary, Esc to cancel'));
    expect(modal).toContain('values: table=public.lost, database=postgres');
    expect(modal).not.toContain('same as:');
    expect(modal).toContain('✓ public.lost is in postgres on the copy');
    expect(modal).toContain('Ctrl-P');
    await press(...'public.lost'.split(''), KEY.enter);
    expect(store.getState().operation).toMatchObject({ id, phase: 'running' });

    // Done: nothing about the copy changes. Once its recovery ended (promoted: as the glue leaves it), Ctrl-R and Ctrl-P go, Ctrl-T stays.
    store.getState().operationFinished(id, { succeeded: true });
    expect(store.getState().pausedCopy).toEqual(copy);
    store.setState({ pausedCopy: { ...copy, paused: false } });
    const promotedFooter = footer(await waitForFrame(plainFrame, (frame) => footer(frame).includes('copy table back') && !footer(frame).includes('resume copy')));
    expect(promotedFooter).not.toContain('promote copy');
    await press(CTRL_R, CTRL_P);
    expect(store.getState().operation).toMatchObject({ id, phase: 'done' });
    await press(CTRL_T);
    expect(store.getState().operation).toMatchObject({ id: id + 1, phase: 'form', choices: { copyBack: { copy: { paused: false } } } });
  });

  it('the glue: a PITR that ended promoted offers Ctrl-T only; its copy-back planned on a copy that does not answer is refused and the offer goes', async () => {
    const port = await freePort();
    const gone = { ...copy, port };
    const config = threeNodeConfig;
    const { store, press, stdin, plainFrame } = renderCockpit({ config, theme: noColorTheme });
    const stop = bindOperationsToStore(store, config, { audit: { recordPlan: async () => undefined }, preparers: { pitr: async () => pitrPlanEndingIn('promoted', gone) } });
    try {
      await runPitrToItsEnd(store);
      expect(store.getState().pausedCopy).toEqual({ ...gone, paused: false });
      expect(store.getState().log.map((line) => line.text)).toContain(`▶ the copy of base-20261130T100000Z in ${copy.dest} (port ${port}) is promoted, writable: Ctrl-T copies a table back into production (plan first)`);
      expect(footer(await waitForFrame(plainFrame, (frame) => footer(frame).includes('copy table back')))).not.toContain('resume copy');

      await press(CTRL_T);
      await waitForFrame(plainFrame, (frame) => frame.includes('table to copy back'));
      stdin.write('public.lost');
      await waitForFrame(plainFrame, (frame) => frame.includes('public.lost▏'));
      await press(KEY.enter);
      const refused = await waitForFrame(plainFrame, (frame) => frame.includes('✗ refused, nothing was changed'), 20_000);
      expect(refused).toContain(`the server on port ${port} is the copy in ${copy.dest}`);
      expect(store.getState().pausedCopy).toBeNull();
      await press(KEY.escape);
      await waitForFrame(plainFrame, (frame) => !frame.includes('refused'));
      expect(footer(plainFrame())).not.toContain('copy table back');
    } finally {
      await stop();
    }
  });
});

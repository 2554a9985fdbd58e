import { describe, expect, it } from 'vitest';
import { watchPlanSignals } from '../../src/commands/planSignals.js';
import type { PlanStep } from '../../src/services/runbooks/plan.js';

const stop: PlanStep = {
  node: 'pg1',
  description: 'stop pg1 cleanly',
  detail: '/usr/lib/postgresql/15/bin/pg_ctl -D /d -m fast -w -t 300 stop',
  mutating: true,
  run: async () => undefined,
};

/** Removes the handlers a test added, and only those. */
function restoreSignalHandlers(sigint: Function[], sigterm: Function[], sighup: Function[] = []) {
  for (const listener of process.listeners('SIGINT')) if (!sigint.includes(listener)) process.off('SIGINT', listener);
  for (const listener of process.listeners('SIGTERM')) if (!sigterm.includes(listener)) process.off('SIGTERM', listener);
  for (const listener of process.listeners('SIGHUP')) if (!sighup.includes(listener)) process.off('SIGHUP', listener);
}

describe('signals while a plan runs', () => {
  const sigint = process.listeners('SIGINT');
  const sigterm = process.listeners('SIGTERM');

  it('the first asks to stop after the running step; later ones say it is finishing and for how long; none kills the process', () => {
    const said: string[] = [];
    const before = process.listenerCount('SIGINT');
    const signals = watchPlanSignals('switchover', (text) => said.push(text));
    try {
      signals.onStep({ number: 2, total: 10, step: stop, phase: 'started' });
      process.emit('SIGINT', 'SIGINT');
      expect(signals.interruption.aborted).toBe(true);
      expect(signals.interruption.reason).toBe('SIGINT');
      expect(said[0]).toBe(
        'pgcockpit: SIGINT: stopping the switchover after step 2/10 (stop pg1 cleanly) on pg1, which is finishing (it may take up to 5 min); no step after it will start',
      );
      process.emit('SIGTERM', 'SIGTERM');
      expect(said[1]).toBe(
        'pgcockpit: SIGTERM again: still finishing step 2/10 (stop pg1 cleanly) on pg1 (it may take up to 5 min); it is not abandoned halfway, the switchover stops as soon as it ends',
      );
      signals.onStep({ number: 2, total: 10, step: stop, phase: 'ended' });
      process.emit('SIGINT', 'SIGINT');
      expect(said[2]).toBe('pgcockpit: SIGINT again: the switchover is stopping');
      signals.stop();
      // A signal came: the handler stays until the exit, so a late Ctrl-C cannot kill it before it has said where it stopped.
      expect(process.listenerCount('SIGINT')).toBe(before + 1);
    } finally {
      restoreSignalHandlers(sigint, sigterm);
    }
  });

  it('a wait step says its own bound; no signal: the default comes back after the plan', () => {
    const said: string[] = [];
    const before = process.listenerCount('SIGINT');
    const signals = watchPlanSignals('failover', (text) => said.push(text));
    signals.stop();
    expect(process.listenerCount('SIGINT')).toBe(before);
    const again = watchPlanSignals('failover', (text) => said.push(text));
    try {
      again.onStep({ number: 4, total: 5, step: { ...stop, node: 'pg3', description: 're-point pg3', detail: 'select pg_reload_conf()\nwait up to 30 s: pg_stat_wal_receiver' }, phase: 'started' });
      process.emit('SIGINT', 'SIGINT');
      expect(said[0]).toContain('(it may take up to 30 s)');
    } finally {
      restoreSignalHandlers(sigint, sigterm);
    }
  });

  it('SIGHUP (the ssh session to the jump host dropped) stops after the running step too, instead of killing the plan mid-step', () => {
    const sighup = process.listeners('SIGHUP');
    const said: string[] = [];
    const signals = watchPlanSignals('switchover', (text) => said.push(text));
    try {
      signals.onStep({ number: 2, total: 10, step: stop, phase: 'started' });
      process.emit('SIGHUP', 'SIGHUP');
      expect(signals.interruption.reason).toBe('SIGHUP');
      expect(said[0]).toMatch(/^pgcockpit: SIGHUP: stopping the switchover after step 2\/10/);
    } finally {
      signals.stop();
      restoreSignalHandlers(sigint, sigterm, sighup);
    }
  });
});

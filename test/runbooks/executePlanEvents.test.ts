import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import type { SqlSessions } from '../../src/services/runbooks/sqlSessions.js';

const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/d' }] });
const sessions: SqlSessions = { query: async () => [], reset: async () => undefined, close: async () => undefined };

function step(description: string, run: PlanStep['run']): PlanStep {
  return { node: 'pg1', description, detail: `select '${description}'`, mutating: false, run };
}

function plan(steps: PlanStep[]): Plan {
  return { title: 'test plan', target: 'pg1', checks: [], steps, blocked: false, blockedReasons: [], confirmWord: 'pg1', warnings: [] };
}

describe('executePlan events', () => {
  it('tells each step as typed events, a failure with its step and masked error, and the typed outcome of what ran', async () => {
    const events: PlanEvent[] = [];
    const outcome = await executePlan(
      plan([
        step('mark', async (ctx) => {
          ctx.log('marking');
          ctx.reportOutcome({ needsRebuild: ['pg1'] });
          return 'marked';
        }),
        step('break', async () => Promise.reject(new Error('no luck with host=h password=plain'))),
        step('never', async () => 'never'),
      ]),
      { config, readOnly: false, sessions, onEvent: (event) => events.push(event) },
    );
    expect(events.map((event) => event.type)).toEqual(['plan-started', 'step-started', 'step-note', 'step-finished', 'step-started', 'step-failed', 'outcome']);
    expect(events[2]).toMatchObject({ number: 1, total: 3, text: 'marking' });
    expect(events[3]).toMatchObject({ number: 1, result: 'marked' });
    expect(events[5]).toMatchObject({ number: 2, total: 3, error: 'no luck with host=h password=********' });
    // The outcome keeps what the finished steps reported, though a later one failed.
    expect(events[6]).toMatchObject({ type: 'outcome', succeeded: false, result: { needsRebuild: ['pg1'], rebuilt: [] } });
    expect(outcome.result).toEqual({ needsRebuild: ['pg1'], rebuilt: [] });
  });

  it('an interruption between steps is an event with the state left and the steps not run', async () => {
    const events: PlanEvent[] = [];
    const interruption = new AbortController();
    await executePlan(
      plan([
        {
          ...step('stop', async () => {
            interruption.abort('SIGINT');
            return 'stopped';
          }),
          ifStoppedAfter: () => 'pg1 is stopped; start it to undo',
        },
        step('promote', async () => 'promoted'),
      ]),
      { config, readOnly: false, sessions, onEvent: (event) => events.push(event), interruption: interruption.signal },
    );
    const interrupted = events.find((event) => event.type === 'step-interrupted');
    expect(interrupted).toMatchObject({ afterStep: 1, total: 2, signal: 'SIGINT', advice: 'pg1 is stopped; start it to undo', lastStep: { description: 'stop' } });
    expect(events.at(-1)).toMatchObject({ type: 'outcome', succeeded: false });
  });

  it('a step that reports a node rebuilt takes back a mark made earlier in the same plan', async () => {
    const outcome = await executePlan(
      plan([step('mark', async (ctx) => ctx.reportOutcome({ needsRebuild: ['pg1', 'pg3'] })), step('rebuild', async (ctx) => ctx.reportOutcome({ rebuilt: ['pg1'] }))]),
      { config, readOnly: false, sessions },
    );
    expect(outcome.result).toEqual({ needsRebuild: ['pg3'], rebuilt: ['pg1'] });
  });
});

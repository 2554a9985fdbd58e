import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import { executePlan, PlanBlockedError } from '../../src/services/runbooks/executePlan.js';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';
import type { SqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { createSqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { ReadOnlyError } from '../../src/services/runner/runner.js';
import type { AuditStep } from '../../src/services/audit/auditEntry.js';

const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/d' }] });

function fakeSessions(sent: string[]): SqlSessions {
  return {
    async query(node, text) {
      sent.push(`${node}: ${text}`);
      return [];
    },
    async reset() {},
    async close() {},
  };
}

function step(description: string, run: PlanStep['run'], mutating = true): PlanStep {
  return { node: 'pg1', description, detail: `select '${description}'`, mutating, run };
}

function plan(steps: PlanStep[], blocked = false): Plan {
  return {
    title: 'test plan',
    target: 'pg1',
    checks: blocked ? [{ label: 'thing', status: 'fail', observed: 'broken', fix: 'mend it' }] : [],
    steps,
    blocked,
    blockedReasons: blocked ? ['thing: broken (mend it)'] : [],
    confirmWord: 'pg1',
    warnings: [],
  };
}

describe('executePlan', () => {
  it('runs steps in order, logging step N/M with the SQL and the elapsed time, and records the plan first', async () => {
    const sent: string[] = [];
    const lines: string[] = [];
    const recorded: Array<{ title: string; steps: readonly AuditStep[] }> = [];
    const outcome = await executePlan(
      plan([
        step('one', async (ctx) => {
          await ctx.sql('pg1', 'select 1', { mutating: false });
          return 'first done';
        }),
        step('two', async (ctx) => void (await ctx.sql('pg1', 'select 2', { mutating: true }))),
      ]),
      {
        config,
        readOnly: false,
        log: (text) => lines.push(text),
        sessions: fakeSessions(sent),
        audit: { recordPlan: async (title, steps) => void recorded.push({ title, steps }) },
      },
    );
    expect(outcome).toMatchObject({ succeeded: true, completedSteps: 2, results: ['first done'] });
    expect(sent).toEqual(['pg1: select 1', 'pg1: select 2']);
    expect(recorded[0]?.title).toBe('test plan');
    expect(recorded[0]?.steps).toEqual([
      { step: 1, node: 'pg1', description: 'one', detail: "select 'one'" },
      { step: 2, node: 'pg1', description: 'two', detail: "select 'two'" },
    ]);
    expect(lines).toContain('step 1/2 on pg1: one');
    expect(lines).toContain("step 1/2   select 'one'");
    expect(lines.some((line) => /^step 1\/2 ✓ first done \(\d+ ms, \d+ ms in all\)$/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/✓ test plan: all 2 steps done/);
  });

  it('stops at the first failure, naming the step', async () => {
    const lines: string[] = [];
    let thirdRan = false;
    const outcome = await executePlan(
      plan([step('one', async () => {}), step('two', async () => Promise.reject(new Error('boom'))), step('three', async () => void (thirdRan = true))]),
      { config, readOnly: false, log: (text) => lines.push(text), sessions: fakeSessions([]) },
    );
    expect(thirdRan).toBe(false);
    expect(outcome).toMatchObject({ succeeded: false, completedSteps: 1, failedStep: { number: 2, node: 'pg1', description: 'two', error: 'boom' } });
    expect(lines.join('\n')).toMatch(/step 2\/3 ✗ two failed on pg1: boom/);
    expect(lines.at(-1)).toBe('■ stopped at step 2/3; steps 3..3 were not run');
  });

  it('refuses a blocked plan and, in read-only mode, a plan with a mutating step, before anything runs', async () => {
    let ran = false;
    const options = { config, log: () => undefined, sessions: fakeSessions([]) };
    await expect(executePlan(plan([step('x', async () => void (ran = true))], true), { ...options, readOnly: false })).rejects.toThrow(PlanBlockedError);
    const readOnly = executePlan(plan([step('look', async () => void (ran = true), false), step('x', async () => void (ran = true))]), { ...options, readOnly: true });
    await expect(readOnly).rejects.toThrow(ReadOnlyError);
    await expect(readOnly).rejects.toThrow(/read-only mode: refused to run test plan \(step "x"\) on pg1/);
    expect(ran).toBe(false);
  });
});

describe('createSqlSessions', () => {
  it('refuses a mutating statement in read-only mode before connecting, like the read-only runner', async () => {
    const sessions = createSqlSessions(config, { readOnly: true });
    await expect(sessions.query('pg1', 'select pg_promote(wait => false)', { mutating: true })).rejects.toThrow(
      'read-only mode: refused to run "select pg_promote(wait => false)" on pg1 (127.0.0.1:1) (it would change something). Restart pgcockpit without --read-only to allow it.',
    );
    await sessions.close();
  });
});

import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import { executePlan, PlanBlockedError } from '../../src/services/runbooks/executePlan.js';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';
import type { SqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { createSqlSessions } from '../../src/services/runbooks/sqlSessions.js';
import { ReadOnlyError } from '../../src/services/runner/runner.js';
import type { AuditStep } from '../../src/services/audit/auditEntry.js';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

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
    expect(lines.at(-1)).toBe('■ stopped at step 2/3; step 3 was not run');
  });

  it('a failure at the last step leaves no steps to name (not "steps 3..2")', async () => {
    const lines: string[] = [];
    await executePlan(plan([step('one', async () => {}), step('two', async () => Promise.reject(new Error('boom')))]), { config, readOnly: false, log: (text) => lines.push(text), sessions: fakeSessions([]) });
    expect(lines.at(-1)).toBe('■ stopped at step 2/2');
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

describe('executePlan: interrupted, failed, recorded, masked', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  async function journal() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-exec-'));
    dirs.push(dir);
    const audit = new AuditJournal({ file: path.join(dir, 'audit.jsonl'), operator: { user: 'tester' } });
    const entries = async () => (await readFile(audit.file, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    return { audit, entries, raw: () => readFile(audit.file, 'utf8') };
  }

  it('a stop asked for during a step lets that step finish, runs no further step, and says the state left, what is left, and records it', async () => {
    const { audit, entries } = await journal();
    const interruption = new AbortController();
    const lines: string[] = [];
    const ran: string[] = [];
    const steps: PlanStep[] = [
      { ...step('checkpoint', async () => void ran.push('one')), ifStoppedAfter: () => 'nothing that matters changed' },
      {
        ...step('stop pg1', async () => {
          // The signal arrives while this step runs: it still finishes.
          interruption.abort('SIGINT');
          await new Promise((resolve) => setTimeout(resolve, 5));
          ran.push('two');
          return 'pg1 stopped';
        }),
        ifStoppedAfter: () => 'pg1 is left stopped; start it: pg_ctl -D /d start',
      },
      { ...step('promote pg2', async () => void ran.push('three')), detail: "alter system set primary_conninfo = 'host=h password=s3cret'" },
    ];
    const outcome = await executePlan(plan(steps), { config, readOnly: false, log: (text) => lines.push(text), sessions: fakeSessions([]), audit, interruption: interruption.signal });
    expect(ran).toEqual(['one', 'two']);
    expect(outcome).toMatchObject({ succeeded: false, completedSteps: 2, interrupted: { afterStep: 2, signal: 'SIGINT' }, advice: 'pg1 is left stopped; start it: pg_ctl -D /d start' });
    const text = lines.join('\n');
    expect(text).toContain('step 2/3 ✓ pg1 stopped');
    expect(text).toContain('■ interrupted after step 2/3: stop pg1 (SIGINT); step 3 was not run');
    expect(text).toContain('  state left: pg1 is left stopped; start it: pg_ctl -D /d start');
    expect(text).toContain('  3/3 on pg1: promote pg2');
    expect(text).toContain("      alter system set primary_conninfo = 'host=h password=********'");
    expect(text).not.toContain('s3cret');

    const recorded = await entries();
    expect(recorded.map((entry) => `${entry.kind}${entry.phase ? ` ${entry.phase}` : ''}${entry.step ? ` ${entry.step}` : ''}`)).toEqual([
      'plan',
      'step started 1',
      'step succeeded 1',
      'step started 2',
      'step succeeded 2',
      'outcome 2',
    ]);
    expect(recorded.at(-1)).toMatchObject({ kind: 'outcome', outcome: 'interrupted', step: 2, total: 3, completedSteps: 2, signal: 'SIGINT', advice: 'pg1 is left stopped; start it: pg_ctl -D /d start', operator: { user: 'tester' } });
  });

  it('a stop asked for before the first step changes nothing', async () => {
    const interruption = new AbortController();
    interruption.abort('SIGTERM');
    let ran = false;
    const lines: string[] = [];
    const outcome = await executePlan(plan([step('one', async () => void (ran = true))]), { config, readOnly: false, log: (text) => lines.push(text), sessions: fakeSessions([]), interruption: interruption.signal });
    expect(ran).toBe(false);
    expect(outcome).toMatchObject({ completedSteps: 0, interrupted: { afterStep: 0, signal: 'SIGTERM' }, advice: 'nothing was changed' });
    expect(lines).toContain('■ interrupted after step 0/1 (before the first step) (SIGTERM); step 1 was not run');
  });

  it('records each step with its SQL, the statements that change something (not the polls), commands, and "failed at step N"', async () => {
    const { audit, entries, raw } = await journal();
    const sent: string[] = [];
    const conninfo = "alter system set primary_conninfo = 'user=r password=''it\\''s secret'' host=h'";
    const lines: string[] = [];
    const outcome = await executePlan(
      plan([
        {
          ...step('re-point pg1', async (ctx) => {
            await ctx.sql('pg1', conninfo, { mutating: true });
            await ctx.sql('pg1', 'select 1', { mutating: false });
            ctx.log('conninfo now host=h password=plain');
          }),
          detail: conninfo,
          ifStoppedAfter: () => 'pg1 was re-pointed',
        },
        step('fail', async () => Promise.reject(new Error('no WAL receiver (primary_conninfo host=h password=plain)'))),
      ]),
      { config, readOnly: false, log: (text) => lines.push(text), sessions: fakeSessions(sent), audit },
    );
    // The statement run keeps the real password; everything shown or recorded has it masked
    // (a bare value runs to the next space: the ")" goes with it rather than risk a password's last character).
    expect(sent[0]).toBe(`pg1: ${conninfo}`);
    expect(outcome).toMatchObject({ succeeded: false, failedStep: { number: 2, error: 'no WAL receiver (primary_conninfo host=h password=********' }, advice: 'pg1 was re-pointed' });
    expect(lines.join('\n')).not.toMatch(/secret|plain/);
    expect(lines).toContain('  before step 2 (it may have done part of its work): pg1 was re-pointed');
    expect(await raw()).not.toMatch(/secret|plain/);
    const recorded = await entries();
    expect(recorded.map((entry) => entry.kind)).toEqual(['plan', 'step', 'sql', 'step', 'step', 'step', 'outcome']);
    expect(recorded[1]).toMatchObject({ phase: 'started', step: 1, total: 2, node: 'pg1', description: 're-point pg1', detail: "alter system set primary_conninfo = 'user=r password=******** host=h'" });
    expect(recorded[2]).toMatchObject({ kind: 'sql', step: 1, node: 'pg1', outcome: 'succeeded', sql: "alter system set primary_conninfo = 'user=r password=******** host=h'" });
    expect(recorded[5]).toMatchObject({ phase: 'failed', step: 2 });
    expect(recorded[6]).toMatchObject({ outcome: 'failed', step: 2, total: 2, completedSteps: 1 });

    const done = await journal();
    await executePlan(plan([step('one', async () => 'fine')]), { config, readOnly: false, log: () => undefined, sessions: fakeSessions([]), audit: done.audit });
    expect((await done.entries()).at(-1)).toMatchObject({ kind: 'outcome', outcome: 'succeeded', total: 1, completedSteps: 1 });
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

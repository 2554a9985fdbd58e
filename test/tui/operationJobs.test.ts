import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { printPlanEvent } from '../../src/commands/runPlanCommand.js';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { configSchema } from '../../src/services/config/schema.js';
import { executePlan } from '../../src/services/runbooks/executePlan.js';
import type { Plan, PlanStep } from '../../src/services/runbooks/plan.js';
import type { PlanEvent } from '../../src/services/runbooks/planEvents.js';
import { createNodeRunners } from '../../src/services/runner/nodeRunners.js';
import { basebackupProgressFraction } from '../../src/services/runner/progress/basebackupProgress.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { waitFor } from '../support/waitFor.js';

/**
 * A test runbook (a plan built here) whose step runs a program as a job:
 * through the cockpit's glue (store) and the CLI's printer alike, its output
 * is masked, stripped of escape codes and coalesced, its job recorded.
 */
const config = configSchema.parse({ cluster: 't', nodes: [{ name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/nonexistent' }] });
const PASSWORD = 'Flood-s3cret-pw';
const LINES = 100_000;
// The script names $PGPASSWORD; only the environment holds its value (what the rejoin's PGCOCKPIT_SETTING_n and the login probe do).
const FLOOD = `awk -v p="$PGPASSWORD" 'BEGIN { for (i = 1; i <= ${LINES}; i++) printf "\\033[1;31mline %d\\033[0m password %s\\n", i, p }'`;

function floodStep(): PlanStep {
  return {
    node: 'pg1',
    description: 'print a flood',
    detail: FLOOD,
    mutating: false,
    async run(ctx) {
      await ctx.command('pg1', { program: 'sh', args: ['-c', FLOOD], env: { PGPASSWORD: PASSWORD }, mutating: false });
      return 'flooded';
    },
  };
}

function progressStep(): PlanStep {
  return {
    node: 'pg1',
    description: 'copy with progress',
    detail: 'pg_basebackup-like reports',
    mutating: false,
    async run(ctx) {
      const script = "printf ' 250/1000 kB (25%%), 0/1 tablespace\\n 500/1000 kB (50%%), 0/1 tablespace\\n'";
      await ctx.command('pg1', { program: 'sh', args: ['-c', script], mutating: false }, { parseProgress: basebackupProgressFraction });
    },
  };
}

function testPlan(steps: PlanStep[]): Plan {
  return { title: 'test runbook', target: 'pg1', checks: [], steps, blocked: false, blockedReasons: [], confirmWord: 'pg1', warnings: [] };
}

async function journalFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-jobs-')), 'audit.jsonl');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a runbook step runs its commands as jobs', () => {
  it('in the cockpit: 100k lines with escape codes and a password are masked, stripped, coalesced into a few store updates; the job is recorded', async () => {
    const store = createCockpitStore(config);
    const file = await journalFile();
    const stop = bindOperationsToStore(store, config, {
      audit: new AuditJournal({ file }),
      preparers: { switchover: async () => testPlan([floodStep(), progressStep()]) },
    });
    try {
      store.getState().requestOperation('switchover', 'pg1');
      await waitFor(() => store.getState().operation?.phase === 'confirm', 'the test plan shown');
      store.getState().typeConfirmation('pg1');
      let updates = 0;
      const unsubscribe = store.subscribe(() => updates++);
      const startedAt = Date.now();
      store.getState().confirmOperation();
      await waitFor(() => ['done', 'failed'].includes(store.getState().operation?.phase ?? ''), 'the test runbook to end', 60_000, 20);
      const elapsedMs = Date.now() - startedAt;
      unsubscribe();

      const state = store.getState();
      const text = state.log.map((line) => line.text).join('\n');
      expect(state.operation?.phase, text.slice(-2000)).toBe('done');
      // Every line reached the log (the ring buffer keeps the last 10 000), none with its escape codes or the password.
      expect(state.logAppended).toBeGreaterThan(LINES);
      expect(text).toContain(`step 1/2   line ${LINES} password ********`);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('\u001b');
      // Coalesced: about one update per 100 ms flush, plus the plan's own few (steps, jobs, the end).
      expect(updates).toBeLessThanOrEqual(Math.ceil(elapsedMs / 100) + 25);

      // Each command is a job the job bar shows: its record, its lines tagged with it, its progress.
      const [flood, copy] = state.jobs;
      expect(flood).toMatchObject({ title: 'sh (test runbook, step 1/2)', node: 'pg1', status: 'succeeded', exitCode: 0 });
      expect(copy).toMatchObject({ title: 'sh (test runbook, step 2/2)', status: 'succeeded', progress: 0.5 });
      expect(state.log.filter((line) => line.jobId === flood!.id).length).toBeGreaterThan(1000);

      // The audit journal: the command with its exit status and duration, no password, no escape.
      const journal = await readFile(file, 'utf8');
      expect(journal).not.toContain(PASSWORD);
      const commands = journal
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.kind === 'command');
      expect(commands).toHaveLength(2);
      expect(commands[0]).toMatchObject({ title: 'sh (test runbook, step 1/2)', program: 'sh', outcome: 'succeeded', exitCode: 0, envKeys: ['PGPASSWORD'] });
      expect(typeof commands[0]!.durationMs).toBe('number');
    } finally {
      await stop();
    }
  }, 90_000);

  it('in the CLI: the same output, masked and stripped, printed under its step', async () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const file = await journalFile();
    const runners = createNodeRunners(config, { readOnly: false });
    const events: PlanEvent['type'][] = [];
    try {
      const outcome = await executePlan(testPlan([floodStep()]), {
        config,
        readOnly: false,
        audit: new AuditJournal({ file }),
        runners,
        onEvent: (event) => {
          events.push(event.type);
          printPlanEvent(event);
        },
      });
      vi.restoreAllMocks();
      expect(outcome.succeeded).toBe(true);
    } finally {
      vi.restoreAllMocks();
      await runners.close();
    }
    const output = printed.join('');
    expect(output).toContain('step 1/1 on pg1: print a flood\n');
    expect(output).toContain('step 1/1   line 1 password ********\n');
    expect(output).toContain(`step 1/1   line ${LINES} password ********\n`);
    expect(output).toContain('step 1/1 ✓ flooded (');
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain('\u001b');
    // Coalesced: a few writes, not one per line.
    expect(printed.length).toBeLessThan(LINES / 100);
    expect(events.slice(0, 3)).toEqual(['plan-started', 'step-started', 'job-started']);
    expect(events.slice(-3)).toEqual(['job-finished', 'step-finished', 'outcome']);
    expect(await readFile(file, 'utf8')).not.toContain(PASSWORD);
  }, 60_000);

  it('refuses, before it runs, a command with a password in its arguments; the step fails and the journal says refused', async () => {
    const file = await journalFile();
    const runners = createNodeRunners(config, { readOnly: false });
    const lines: string[] = [];
    let ran = false;
    try {
      const outcome = await executePlan(
        testPlan([
          {
            node: 'pg1',
            description: 'leak a password',
            detail: 'psql with the password in argv',
            mutating: false,
            async run(ctx) {
              await ctx.command('pg1', { program: 'sh', args: ['-c', 'touch /tmp/never', 'host=h password=Argv-s3cret'], mutating: false });
              ran = true;
            },
          },
        ]),
        { config, readOnly: false, audit: new AuditJournal({ file }), runners, log: (text) => lines.push(text) },
      );
      expect(ran).toBe(false);
      expect(outcome).toMatchObject({ succeeded: false, failedStep: { number: 1, error: expect.stringContaining('holds a password') } });
    } finally {
      await runners.close();
    }
    expect(lines.join('\n')).not.toContain('Argv-s3cret');
    const journal = await readFile(file, 'utf8');
    expect(journal).not.toContain('Argv-s3cret');
    expect(journal).toMatch(/"kind":"command"[^\n]*"outcome":"refused"/);
  });
});

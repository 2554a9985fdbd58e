import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/services/config/schema.js';
import { copyBackForm, copyBackTableProblem } from '../../src/services/runbooks/pitr/copyBackForm.js';
import type { CopyBackFollowUpFacts } from '../../src/services/runbooks/pitr/copyBackFollowUp.js';
import { copyBackLookSql, isCopyBackFollowUp, planCopyBackFollowUp } from '../../src/services/runbooks/pitr/copyBackFollowUp.js';
import type { CopyState } from '../../src/services/runbooks/pitr/copyFollowUp.js';
import { copyBackPipe, copyTool, recoveredCopyOf } from '../../src/services/runbooks/pitr/recoveredCopy.js';
import type { Plan } from '../../src/services/runbooks/plan.js';
import { recoveredCopy } from './recoveredCopyFixture.js';

const copy = recoveredCopy;
const config = configSchema.parse({
  cluster: 'c',
  nodes: [
    { name: 'pg1', host: '10.0.0.1', port: 5432, user: 'cockpit', database: 'app', dataDir: '/var/lib/pgsql/17/data', osUser: 'postgres', pgBinDir: '/usr/pgsql-17/bin' },
    { name: 'pg2', host: '10.0.0.2', port: 5432, user: 'cockpit', database: 'app', dataDir: '/var/lib/pgsql/17/data', osUser: 'postgres', pgBinDir: '/usr/pgsql-17/bin' },
  ],
  archive: { dir: '/var/lib/pgsql/archive' },
  backups: { dir: '/backups' },
});
const paused: CopyState = { dataDirectory: copy.dest, port: 5499, inRecovery: true, pauseState: 'paused', readOnly: true };
const promoted: CopyState = { dataDirectory: copy.dest, port: 5499, inRecovery: false, timeline: 2, readOnly: false };
const production = { primary: 'pg2', database: 'app', tableAbsent: true };
const facts = (over: Partial<CopyBackFollowUpFacts> = {}): CopyBackFollowUpFacts => ({ copyState: promoted, tableOnCopy: true, production, ...over });
const request = { table: 'public.Lost', database: 'app' };

describe('the copy-back offered on a recovered copy (Ctrl-T)', () => {
  it('its form: the table as schema.table, the database the login node\'s by default', () => {
    const form = copyBackForm(copy);
    expect(form.fields.map((field) => [field.name, field.kind === 'text' ? field.default : undefined])).toEqual([
      ['table', undefined],
      ['database', 'app'],
    ]);
    expect(copyBackTableProblem('')).toMatch(/name the table/);
    expect(copyBackTableProblem('a.b.c')).toMatch(/schema\.table/);
    expect(copyBackTableProblem('public.')).toMatch(/schema\.table/);
    expect(copyBackTableProblem('public.Lost')).toBeUndefined();
    expect(copyBackTableProblem('lost')).toBeUndefined();
  });

  it('on a promoted copy: checks the copy, the table on it, the primary and its absence there; the steps are copyBackSteps; the table is typed', () => {
    const plan = planCopyBackFollowUp(config, copy, request, facts());
    expect(plan.blocked, plan.blockedReasons.join('\n')).toBe(false);
    expect(isCopyBackFollowUp(plan)).toBe(true);
    expect(plan.title).toBe('pitr: copy public.Lost back from the copy of base-20261130T100000Z (port 5499) into pg2');
    expect(plan.target).toBe('pg2');
    expect(plan.confirmWord).toBe('public.Lost');
    expect(plan.checks.map((check) => [check.status, check.label])).toEqual([
      ['ok', `the server on port 5499 is the copy in ${copy.dest}`],
      ['ok', 'public.Lost is in app on the copy'],
      ['ok', 'public.Lost is not in app on the primary pg2 (nothing is replaced)'],
    ]);
    expect(plan.checks[0]!.observed).toMatch(/^read-write, out of recovery, timeline 2/);
    expect(plan.steps.map((step) => step.node)).toEqual(['pg1', 'pg2']);
    // The copy's host's programs, the name quoted as given, the dump kept with the copy; the restore one transaction on the primary's address.
    expect(plan.steps[0]!.detail).toContain(`/usr/pgsql-17/bin/pg_dump -h 127.0.0.1 -p 5499 -U cockpit -d app -Fc --lock-wait-timeout=10s -t 'public."Lost"' -f ${copy.dest}/pgcockpit-copy-back-public.Lost.dump`);
    expect(plan.steps[1]!.detail).toContain('/usr/pgsql-17/bin/pg_restore -h 10.0.0.2 -p 5432 -U cockpit -d app --exit-on-error --single-transaction --no-owner');
    expect(plan.warnings.join('\n')).toMatch(/as it was at the target.*nothing in production is dropped or replaced/);
    expect(plan.warnings.join('\n')).not.toMatch(/Ctrl-P/);
  });

  it('on a paused copy: warns that a pause right before the DROP holds the lock, naming Ctrl-P', () => {
    const plan = planCopyBackFollowUp(config, copy, request, facts({ copyState: paused }));
    expect(plan.blocked).toBe(false);
    expect(plan.checks[0]!.observed).toMatch(/^in recovery, replay paused, read-only/);
    expect(plan.warnings.join('\n')).toMatch(/paused at its target.*holds the table's lock.*promote it first \(Ctrl-P\)/);
  });

  it('refuses: another server on the port or none (the offer is stale), the table not on the copy, present in production, no primary', () => {
    const refused = (seen: CopyBackFollowUpFacts) => {
      const plan = planCopyBackFollowUp(config, copy, request, seen);
      expect(plan.blocked).toBe(true);
      expect(plan.steps).toEqual([]);
      return plan;
    };
    const other = refused(facts({ copyState: { ...promoted, dataDirectory: '/var/lib/pgsql/17/data' } }));
    expect(other.copyGone).toBe(true);
    expect(other.blockedReasons.join('\n')).toMatch(/not the copy/);
    const gone = refused({ copyProblem: 'psql to 127.0.0.1:5499 (app) on pg1: connection refused', production });
    expect(gone.copyGone).toBe(true);
    expect(gone.checks[0]).toMatchObject({ status: 'fail', fix: expect.stringContaining('pg_ctl -D') });
    const missing = refused(facts({ tableOnCopy: false }));
    expect(missing.copyGone).toBeUndefined();
    expect(missing.blockedReasons.join('\n')).toMatch(/public\.Lost is in app on the copy: not there/);
    expect(refused(facts({ production: { ...production, tableAbsent: false } })).blockedReasons.join('\n')).toMatch(/not in app on the primary pg2.*it exists there/);
    expect(refused(facts({ production: { database: 'app', problem: 'no node answered as the primary' } })).blockedReasons.join('\n')).toMatch(/can be restored into production's primary: no node answered as the primary/);
  });

  it('reads the copy with one psql: its state, then the table', () => {
    const sql = copyBackLookSql(copy, 'public.Lost');
    expect(sql).toHaveLength(2);
    expect(sql[1]).toBe(`select to_regclass('public."Lost"') is not null`);
  });
});

describe('a recovered copy, paused or promoted', () => {
  const pitr = (state?: 'paused' | 'promoted' | 'shut down'): Plan => ({ title: 'pitr', target: 'pg1', checks: [], steps: [], blocked: false, blockedReasons: [], confirmWord: 'x', warnings: [], copy, ...(state ? { end: { state } } : {}) }) as Plan;

  it('stays offered after a paused or promoted end, not a shut down one', () => {
    expect(recoveredCopyOf(pitr('paused'))).toEqual({ ...copy, paused: true });
    expect(recoveredCopyOf(pitr('promoted'))).toEqual({ ...copy, paused: false });
    expect(recoveredCopyOf(pitr('shut down'))).toBeUndefined();
    expect(recoveredCopyOf(pitr())).toBeUndefined();
  });

  it("the shell's way: pg_dump -Fc -t from the copy piped into pg_restore --single-transaction", () => {
    expect(copyTool(copy, 'pg_dump')).toBe('/usr/pgsql-17/bin/pg_dump');
    expect(copyTool({ psql: 'psql' }, 'pg_restore')).toBe('pg_restore');
    expect(copyBackPipe(copy)).toBe('/usr/pgsql-17/bin/pg_dump -Fc -h 127.0.0.1 -p 5499 -U cockpit -d app -t SCHEMA.TABLE | /usr/pgsql-17/bin/pg_restore --single-transaction --no-owner -h PRIMARY -U cockpit -d app');
  });
});

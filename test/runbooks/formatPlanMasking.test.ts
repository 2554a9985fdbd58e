import { describe, expect, it } from 'vitest';
import { formatPlan } from '../../src/services/runbooks/formatPlan.js';
import type { Plan } from '../../src/services/runbooks/plan.js';

describe('formatPlan masks passwords, the steps keep them', () => {
  it("prints password=******** in checks' observed and fix, steps' detail, warnings and refusals", () => {
    const detail = "alter system set primary_conninfo = 'user=replication password=''s3 cret'' host=127.0.0.1 port=5433'\nselect pg_reload_conf()";
    const plan: Plan = {
      title: 'failover: promote pg2 to primary',
      target: 'pg2',
      checks: [
        { label: 'pg1 can stream from pg2', status: 'ok', observed: "primary_conninfo = user=replication password='s3 cret' host=127.0.0.1" },
        { label: 'x', status: 'warn', observed: 'postgresql://replication:s3cret@127.0.0.1/postgres', fix: 'check host=h password=s3cret' },
      ],
      steps: [{ node: 'pg3', description: 're-point pg3', detail, mutating: true, run: async () => undefined }],
      blocked: false,
      blockedReasons: [],
      confirmWord: 'pg2',
      warnings: ['pg3 had password=s3cret'],
    };
    const text = formatPlan(plan);
    expect(text).not.toMatch(/s3 ?cret/);
    expect(text).toContain("primary_conninfo = user=replication password=******** host=127.0.0.1");
    expect(text).toContain("        alter system set primary_conninfo = 'user=replication password=******** host=127.0.0.1 port=5433'");
    expect(text).toContain('        select pg_reload_conf()');
    expect(text).toContain('postgresql://replication:********@127.0.0.1/postgres');
    expect(plan.steps[0]?.detail).toBe(detail);
    expect(formatPlan({ ...plan, blocked: true, blockedReasons: ['pg3: host=h password=s3cret'] })).not.toContain('s3cret');
  });
});

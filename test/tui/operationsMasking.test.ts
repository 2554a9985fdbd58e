import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditJournal } from '../../src/services/audit/auditJournal.js';
import { configSchema } from '../../src/services/config/schema.js';
import type { PlanStep } from '../../src/services/runbooks/plan.js';
import { createCockpitStore } from '../../src/state/createCockpitStore.js';
import type { RunbookPlan } from '../../src/tui/operations.js';
import { bindOperationsToStore } from '../../src/tui/operations.js';
import { waitFor } from '../support/waitFor.js';

const config = configSchema.parse({
  cluster: 't',
  nodes: [
    { name: 'pg1', host: '127.0.0.1', port: 1, dataDir: '/d1' },
    { name: 'pg2', host: '127.0.0.1', port: 2, dataDir: '/d2' },
  ],
});

describe('the operations glue masks passwords in what the cockpit shows', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('the modal, the log, the error and the journal read password=********; the step keeps its statement', async () => {
    const statement = "alter system set primary_conninfo = 'user=r password=''s3 cret'' host=127.0.0.1 port=2'";
    const step: PlanStep = {
      node: 'pg1',
      description: 're-point pg1',
      detail: statement,
      mutating: true,
      async run(ctx) {
        ctx.log('primary_conninfo is now user=r password=s3cret host=127.0.0.1');
        throw new Error("no WAL receiver with primary_conninfo = 'password=s3cret host=h'");
      },
    };
    const plan: RunbookPlan = {
      title: 'failover: promote pg2 to primary',
      target: 'pg2',
      checks: [{ label: 'pg1 can follow pg2', status: 'ok', observed: 'user=r password=s3cret host=127.0.0.1' }],
      steps: [step],
      blocked: false,
      blockedReasons: [],
      confirmWord: 'pg2',
      warnings: ['pg1 had password=s3cret'],
    };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pgcockpit-ops-'));
    dirs.push(dir);
    const audit = new AuditJournal({ file: path.join(dir, 'audit.jsonl') });
    const store = createCockpitStore(config);
    const stop = bindOperationsToStore(store, config, { audit, preparers: { failover: async () => plan } });
    try {
      store.getState().requestOperation('failover', 'pg2');
      await waitFor(() => store.getState().operation?.phase === 'confirm', 'the plan in the modal');
      const shown = JSON.stringify(store.getState().operation?.plan);
      expect(shown).not.toMatch(/s3 ?cret/);
      expect(store.getState().operation?.plan?.steps[0]?.detail).toBe("alter system set primary_conninfo = 'user=r password=******** host=127.0.0.1 port=2'");
      expect(plan.steps[0]?.detail).toBe(statement);

      store.getState().typeConfirmation('pg2');
      store.getState().confirmOperation();
      await waitFor(() => store.getState().operation?.phase === 'failed', 'the plan to fail');
      const log = store.getState().log.map((line) => line.text).join('\n');
      expect(log).toContain('password=********');
      expect(log).not.toMatch(/s3 ?cret/);
      expect(store.getState().operation?.error).not.toMatch(/s3 ?cret/);
      expect(await readFile(audit.file, 'utf8')).not.toMatch(/s3 ?cret/);
    } finally {
      await stop();
    }
  });
});

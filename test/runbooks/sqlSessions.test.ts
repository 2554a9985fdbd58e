import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { configSchema } from '../../src/services/config/schema.js';
import type { PlanStep } from '../../src/services/runbooks/plan.js';
import { openPlanSessions, planSessionNodes, releasePlanSessions } from '../../src/services/runbooks/planSessionNodes.js';
import { createSqlSessions } from '../../src/services/runbooks/sqlSessions.js';

const config = configSchema.parse({
  cluster: 't',
  nodes: ['pg1', 'pg2', 'pg3'].map((name, index) => ({ name, host: '127.0.0.1', port: 5501 + index, dataDir: `/d/${name}` })),
});

/** A stand-in for pg.Client: answers every statement, or none once `silent`; counts what it was sent. */
class FakeClient extends EventEmitter {
  statements: string[] = [];
  ended = false;
  silent = false;
  async query(text: string) {
    this.statements.push(text);
    if (this.silent) return new Promise(() => undefined);
    return { rows: [{ ok: 1 }] };
  }
  async end() {
    this.ended = true;
  }
}

function counting() {
  const clients: Array<{ node: string; client: FakeClient }> = [];
  const connect = vi.fn(async (node: { name: string }) => {
    const client = new FakeClient();
    clients.push({ node: node.name, client });
    return client as unknown as pg.Client;
  });
  return { clients, connect };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createSqlSessions: sessions opened before the plan runs', () => {
  it('once closed (the DBA cancelled while the plan was still being made), opens nothing more', async () => {
    const { connect } = counting();
    const sessions = createSqlSessions(config, { readOnly: false, connect });
    await sessions.close();
    await sessions.open(['pg2']);
    await expect(sessions.query('pg2', 'select 1', { mutating: false })).rejects.toThrow('closed');
    expect(connect).not.toHaveBeenCalled();
  });

  it('open() connects each node once, and the statements after it reuse those sessions: no connect between confirmation and the promote', async () => {
    const { clients, connect } = counting();
    const sessions = createSqlSessions(config, { readOnly: false, connect });
    await sessions.open(['pg2', 'pg3']);
    expect(connect).toHaveBeenCalledTimes(2);
    await sessions.query('pg2', 'select pg_promote(wait => false)', { mutating: true });
    await sessions.query('pg3', 'select 1', { mutating: false });
    expect(connect).toHaveBeenCalledTimes(2);
    expect(clients.find((c) => c.node === 'pg2')?.client.statements).toEqual(['select pg_promote(wait => false)']);
    await sessions.close();
    expect(clients.every((c) => c.client.ended)).toBe(true);
  });

  it('a node that cannot be reached is left for its first statement, which connects again and says why', async () => {
    let refuse = true;
    const connect = vi.fn(async () => {
      if (refuse) throw new Error('connect ECONNREFUSED 127.0.0.1:5502');
      return new FakeClient() as unknown as pg.Client;
    });
    const sessions = createSqlSessions(config, { readOnly: false, connect });
    await expect(sessions.open(['pg2'])).resolves.toBeUndefined();
    await expect(sessions.query('pg2', 'select 1', { mutating: false })).rejects.toThrow('ECONNREFUSED');
    refuse = false;
    await expect(sessions.query('pg2', 'select 1', { mutating: false })).resolves.toEqual([{ ok: 1 }]);
    expect(connect).toHaveBeenCalledTimes(3);
    await sessions.close();
  });

  it('a session the server ended is forgotten: the next statement reconnects', async () => {
    const { clients, connect } = counting();
    const sessions = createSqlSessions(config, { readOnly: false, connect });
    await sessions.open(['pg2']);
    clients[0]!.client.emit('error', new Error('terminating connection due to idle-session timeout'));
    await sessions.query('pg2', 'select 1', { mutating: false });
    expect(connect).toHaveBeenCalledTimes(2);
    await sessions.close();
  });

  it('keeps an idle session alive with select 1, and drops one whose server no longer answers so the step connects afresh', async () => {
    vi.useFakeTimers();
    const { clients, connect } = counting();
    const sessions = createSqlSessions(config, { readOnly: false, connect, keepAliveMs: 10_000 });
    await sessions.open(['pg2']);
    const first = clients[0]!.client;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(first.statements).toEqual(['select 1']);
    first.silent = true;
    await vi.advanceTimersByTimeAsync(10_000 + 3_400);
    expect(first.ended).toBe(true);
    first.silent = false;
    await sessions.query('pg2', 'select 2', { mutating: false });
    expect(connect).toHaveBeenCalledTimes(2);
    expect(clients[1]!.client.statements).toEqual(['select 2']);
    await sessions.close();
    // Closed: no more keep-alives.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(clients[1]!.client.statements).toEqual(['select 2']);
  });
});

const step = (node: string): PlanStep => ({ node, description: `on ${node}`, detail: '', mutating: true, run: async () => undefined });
const snapshot = (name: string, status: NodeSnapshot['status']) => ({ name, status }) as NodeSnapshot;

describe('planSessionNodes: the nodes a plan talks SQL to that were up', () => {
  const view = { nodes: [snapshot('pg1', 'down'), snapshot('pg2', 'up'), snapshot('pg3', 'up')] };
  const plan = { target: 'pg2', blocked: false, steps: [step('pg1'), step('pg2'), step('pg3'), step('pg2')] };

  it('never dials a node that was down', () => {
    expect(planSessionNodes(plan, view)).toEqual(['pg2', 'pg3']);
  });

  it('opens them for a runnable plan, nothing for a refused one, and releases them', async () => {
    const { connect, clients } = counting();
    const sessions = createSqlSessions(config, { readOnly: false, connect });
    await openPlanSessions(sessions, { ...plan, blocked: true }, view);
    expect(connect).not.toHaveBeenCalled();
    await openPlanSessions(sessions, plan, view);
    expect(clients.map((c) => c.node).sort()).toEqual(['pg2', 'pg3']);
    await releasePlanSessions(sessions, plan, view);
    expect(clients.every((c) => c.client.ended)).toBe(true);
    await sessions.close();
  });
});

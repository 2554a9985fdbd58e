import { describe, expect, it } from 'vitest';
import type { NodeConfig } from '../../src/services/config/schema.js';
import { waitForStandbyStreaming } from '../../src/services/runbooks/failover/repointStandby.js';
import type { StepContext } from '../../src/services/runbooks/plan.js';

const standby = { name: 'pg3', host: '127.0.0.1', port: 5434 } as NodeConfig;
const upstream = { name: 'pg2', host: '127.0.0.1', port: 5433 } as NodeConfig;

/** A step context whose pg3 shows the receivers listed, one per poll (the last one stays), and whose pg2 shows its walsender on the slot. */
function fakeContext(receivers: Array<{ pid: number; status: string; sender_port: number; slot_name: string }>): StepContext & { polls: number } {
  const context = {
    polls: 0,
    config: {} as never,
    log: () => undefined,
    resetSession: async () => undefined,
    async command() {
      throw new Error('no host here');
    },
    async sql(node: string, text: string) {
      if (node === 'pg3' && text.includes('pg_stat_wal_receiver')) return [receivers[Math.min(context.polls++, receivers.length - 1)]];
      if (node === 'pg2' && text.includes('pg_stat_replication')) return [{ state: 'streaming' }];
      return [];
    },
  };
  return context as never;
}

describe('waitForStandbyStreaming: streaming is verified on the new connection', () => {
  it('the old receiver, still streaming right after the reload, does not count; the new one does', async () => {
    const old = { pid: 100, status: 'streaming', sender_port: 5433, slot_name: 'slot_pg3' };
    const ctx = fakeContext([old, old, old, { ...old, pid: 200 }]);
    await waitForStandbyStreaming(ctx, standby, upstream, { timeoutMs: 5000, slot: 'slot_pg3', previousReceiverPid: 100 });
    expect(ctx.polls).toBe(4);
  });

  it('a receiver that never changes fails the step, saying it is still the one from before', async () => {
    const ctx = fakeContext([{ pid: 100, status: 'streaming', sender_port: 5433, slot_name: 'slot_pg3' }]);
    await expect(waitForStandbyStreaming(ctx, standby, upstream, { timeoutMs: 300, slot: 'slot_pg3', previousReceiverPid: 100 })).rejects.toThrow(
      /still the receiver from before the change/,
    );
  });

  it('a new receiver through another slot (or from another port) does not count either', async () => {
    const ctx = fakeContext([{ pid: 200, status: 'streaming', sender_port: 5433, slot_name: 'slot_old' }]);
    await expect(waitForStandbyStreaming(ctx, standby, upstream, { timeoutMs: 300, slot: 'slot_pg3', previousReceiverPid: 100 })).rejects.toThrow(/through slot slot_old/);
  });
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { connectNode } from '../../src/services/postgres/connectNode.js';
import type { TestCluster } from '../support/testCluster.js';

export interface WriteLoad {
  /** Sequence numbers whose insert the primary acknowledged (commit returned). */
  acknowledged: number[];
  /** Why the loop ended, once it has. */
  ended: Promise<string>;
  stop(): Promise<void>;
}

/** A loop inserting sequence-numbered rows into load_rows on `node`, one autocommit insert at a time. */
export async function startWriteLoad(cluster: TestCluster, node: string): Promise<WriteLoad> {
  await cluster.query(node, 'create table if not exists load_rows (seq bigint primary key, at timestamptz not null default now())');
  const client: pg.Client = await connectNode(cluster.node(node), cluster.config, { statementTimeoutMs: 10_000 });
  client.on('error', () => undefined);
  const acknowledged: number[] = [];
  let stopped = false;
  const ended = (async () => {
    for (let seq = 1; !stopped; seq++) {
      try {
        await client.query('insert into load_rows (seq) values ($1)', [seq]);
        acknowledged.push(seq);
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    }
    return 'stopped';
  })();
  return {
    acknowledged,
    ended,
    async stop() {
      stopped = true;
      await ended;
      await client.end().catch(() => undefined);
    },
  };
}

/** SIGKILL to a node's postmaster (pid from postmaster.pid's first line): a crash, no shutdown checkpoint, nothing flushed late. */
export async function killPostmaster(cluster: TestCluster, node: string): Promise<number> {
  const pidFile = path.join(cluster.layout.dataDir(node), 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** Waits until `pid` is gone. */
export async function waitForExit(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`process ${pid} still alive after ${timeoutMs} ms`);
}

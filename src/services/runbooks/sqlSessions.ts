import type pg from 'pg';
import type { CockpitConfig } from '../config/schema.js';
import { connectNode } from '../postgres/connectNode.js';
import { ReadOnlyError } from '../runner/runner.js';

export interface SqlSessions {
  query<Row extends Record<string, unknown>>(node: string, text: string, options: { mutating: boolean; params?: unknown[] }): Promise<Row[]>;
  /** Drops a node's session (the server went away or restarted); the next query reconnects. */
  reset(node: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One node-postgres session per node for a whole runbook, opened on first
 * use. SQL does not go through a Runner, so read-only mode is enforced here:
 * a statement marked mutating is refused before it is sent, with the same
 * ReadOnlyError the runners throw.
 */
export function createSqlSessions(config: CockpitConfig, options: { readOnly: boolean; statementTimeoutMs?: number }): SqlSessions {
  const clients = new Map<string, Promise<pg.Client>>();
  const nodeConfig = (name: string) => {
    const node = config.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`no node named "${name}" in the config`);
    return node;
  };
  const client = (name: string): Promise<pg.Client> => {
    const existing = clients.get(name);
    if (existing) return existing;
    const opened = connectNode(nodeConfig(name), config, {
      applicationName: 'pgcockpit runbook',
      statementTimeoutMs: options.statementTimeoutMs ?? 60_000,
    }).then((connected) => {
      connected.on('error', () => clients.delete(name));
      return connected;
    });
    opened.catch(() => clients.delete(name));
    clients.set(name, opened);
    return opened;
  };
  const end = async (name: string) => {
    const existing = clients.get(name);
    clients.delete(name);
    await existing?.then((c) => c.end()).catch(() => undefined);
  };
  return {
    async query(name, text, { mutating, params }) {
      const node = nodeConfig(name);
      if (mutating && options.readOnly) {
        throw new ReadOnlyError({ program: `"${text}"`, args: [], mutating }, `${name} (${node.host}:${node.port})`);
      }
      const result = await (await client(name)).query(text, params);
      return result.rows;
    },
    reset: end,
    async close() {
      await Promise.all([...clients.keys()].map(end));
    },
  };
}

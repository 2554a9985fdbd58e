import pg from 'pg';
import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { sslOptions } from './sslOptions.js';
import { describeLogin, NoPasswordError, nodePassword } from './nodePassword.js';

export interface ConnectOptions {
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Client-side limit on a query: the answer to a link that drops packets without a reset. */
  queryTimeoutMs?: number;
  /** Shown in pg_stat_activity, so a DBA can tell the cockpit's sessions apart. */
  applicationName?: string;
}

/**
 * Opens a connection to a node. The password (see nodePassword: the
 * config's passfile, then $PGPASSWORD, then $PGPASSFILE or ~/.pgpass) is
 * looked up only when the server asks for one, and never stored; when there
 * is none, the error names the passfile looked at and why it gave nothing.
 */
export async function connectNode(
  node: NodeConfig,
  config: Pick<CockpitConfig, 'passfile'>,
  options: ConnectOptions = {},
): Promise<pg.Client> {
  const client = new pg.Client({
    host: node.host,
    port: node.port,
    user: node.user,
    database: node.database,
    password: async () => {
      const lookup = await nodePassword(node, config.passfile);
      if (!lookup.found) throw new NoPasswordError(describeLogin(node), lookup.reasons);
      return lookup.password;
    },
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    statement_timeout: options.statementTimeoutMs ?? 5000,
    query_timeout: options.queryTimeoutMs,
    application_name: options.applicationName ?? 'pgcockpit',
    // The node's sslmode (its own or its pgService's), as libpq would use it; absent: $PGSSLMODE.
    ssl: sslOptions(node),
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** Runs `work` on a fresh connection and always closes it. */
export async function withNodeClient<T>(
  node: NodeConfig,
  config: Pick<CockpitConfig, 'passfile'>,
  work: (client: pg.Client) => Promise<T>,
  options?: ConnectOptions,
): Promise<T> {
  const client = await connectNode(node, config, options);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

import type pg from 'pg';
import type { NodeConfig } from '../config/schema.js';
import type { NodeSnapshot } from './nodeSnapshot.js';

/** One round trip: the role and the server version. */
export async function probeNode(client: pg.Client, node: NodeConfig): Promise<NodeSnapshot> {
  const result = await client.query<{ in_recovery: boolean; version: string }>(
    "select pg_is_in_recovery() as in_recovery, current_setting('server_version') as version",
  );
  const row = result.rows[0];
  return {
    name: node.name,
    host: node.host,
    port: node.port,
    status: 'up',
    role: row?.in_recovery ? 'standby' : 'primary',
    serverVersion: row?.version.split(' ')[0],
    polledAt: Date.now(),
  };
}

import type pg from 'pg';
import type { NodeConfig } from '../config/schema.js';
import type { NodeSnapshot } from './nodeSnapshot.js';
import { parseSnapshot } from './parseSnapshot.js';
import type { ServerCapabilities } from './serverCapabilities.js';
import { snapshotSql } from './snapshotSql.js';

/**
 * One poll of one node: exactly one round trip (snapshotSql), parsed into a
 * snapshot with status up. `capabilities` come from readServerCapabilities,
 * read once per connection: they pick the statement's text.
 */
export async function probeNode(client: pg.Client, node: NodeConfig, capabilities: ServerCapabilities): Promise<NodeSnapshot> {
  const result = await client.query<{ snapshot: unknown }>(snapshotSql(capabilities));
  const row = result.rows[0];
  if (!row) throw new Error(`${node.name}: the snapshot statement returned no row`);
  return parseSnapshot(row.snapshot, node, Date.now());
}

import type pg from 'pg';
import type { NodeConfig } from '../config/schema.js';
import type { NodeSnapshot } from './nodeSnapshot.js';
import { parseSnapshot } from './parseSnapshot.js';
import { snapshotSql } from './snapshotSql.js';

/**
 * One poll of one node: exactly one round trip (snapshotSql), parsed into a
 * snapshot with status up. `versionNum` comes from readServerVersionNum, read
 * once per connection: it picks the statement's text.
 */
export async function probeNode(client: pg.Client, node: NodeConfig, versionNum: number): Promise<NodeSnapshot> {
  const result = await client.query<{ snapshot: unknown }>(snapshotSql(versionNum));
  const row = result.rows[0];
  if (!row) throw new Error(`${node.name}: the snapshot statement returned no row`);
  return parseSnapshot(row.snapshot, node, Date.now());
}

/** server_version_num (e.g. 150018); call once after connecting, not per tick. */
export async function readServerVersionNum(client: pg.Client): Promise<number> {
  const result = await client.query<{ version_num: number }>("select current_setting('server_version_num')::int as version_num");
  const versionNum = result.rows[0]?.version_num;
  if (typeof versionNum !== 'number' || !Number.isInteger(versionNum)) throw new Error('server_version_num: no integer in the answer');
  return versionNum;
}

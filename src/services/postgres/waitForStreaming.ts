import type { CockpitConfig, NodeConfig } from '../config/schema.js';
import { withNodeClient } from './connectNode.js';

/**
 * Waits until every named standby appears in the primary's
 * pg_stat_replication in state "streaming" (application_name is the
 * standby's cluster_name). Gives up after `timeoutMs` naming the missing ones.
 */
export async function waitForStreaming(
  primary: NodeConfig,
  config: Pick<CockpitConfig, 'passfile'>,
  standbyNames: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let streaming = new Set<string>();
  while (Date.now() < deadline) {
    streaming = await withNodeClient(primary, config, async (client) => {
      const result = await client.query<{ application_name: string }>(
        "select application_name from pg_stat_replication where state = 'streaming'",
      );
      return new Set(result.rows.map((row) => row.application_name));
    });
    if (standbyNames.every((name) => streaming.has(name))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const missing = standbyNames.filter((name) => !streaming.has(name));
  throw new Error(`standby(s) ${missing.join(', ')} not streaming from ${primary.name} after ${timeoutMs / 1000} s; see their server.log`);
}

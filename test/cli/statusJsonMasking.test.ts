import { describe, expect, it } from 'vitest';
import { statusJson } from '../../src/commands/statusJson.js';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { NOW, healthyCluster, withServer } from '../support/snapshots.js';

describe('status --json', () => {
  it('prints primary_conninfo passwords as password=******** (the SQL-side mask too), and any other spelled-out one', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const masked = withServer(pg2, { settings: { primary_conninfo: "user=replication password=**** host=10.0.0.1 port=5432" } });
    const raw = withServer(pg3, { settings: { primary_conninfo: "user=replication password='s3 cret' host=10.0.0.1" } });
    const json = JSON.stringify(statusJson('prod', buildClusterView([pg1, masked, raw], DEFAULT_THRESHOLDS, NOW)));
    expect(json).toContain('user=replication password=******** host=10.0.0.1 port=5432');
    expect(json).toContain('user=replication password=******** host=10.0.0.1');
    expect(json).not.toMatch(/s3 ?cret|password=\*{4}[^*]/);
  });
});

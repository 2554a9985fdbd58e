import { describe, expect, it } from 'vitest';
import { archiveCommandAlerts } from '../../src/services/cluster/archiveCommandAlerts.js';
import { clusterAlerts } from '../../src/services/cluster/clusterAlerts.js';
import { deriveLinks } from '../../src/services/cluster/deriveLinks.js';
import type { NodeSnapshot } from '../../src/services/cluster/nodeSnapshot.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { safeArchiveCommand } from '../../src/services/postgres/archiveCommand.js';
import { NOW, down, healthyCluster, withServer } from '../support/snapshots.js';

const HANDBUILT = 'test ! -f /var/lib/pgsql/archive/%f && cp %p /var/lib/pgsql/archive/%f';

function archiving(node: NodeSnapshot, command: string, mode = 'on'): NodeSnapshot {
  return withServer(node, { settings: { archive_mode: mode, archive_command: command } });
}

describe('archiveCommandAlerts', () => {
  it('warns about a test ! -f ... && cp command on each node, naming the node and the fix', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const alerts = archiveCommandAlerts([archiving(pg1, HANDBUILT), archiving(pg2, HANDBUILT), pg3]);
    expect(alerts.map((alert) => `${alert.severity} ${alert.code} ${alert.node}`)).toEqual([
      'warning archive-command-not-idempotent pg1',
      'warning archive-command-not-idempotent pg2',
    ]);
    expect(alerts[0]?.message).toBe(
      'pg1\'s archive_command refuses a segment that is already archived even when the copy is identical ("test ! -f ... && cp"), ' +
        'so a segment archived again after a crash or a promotion fails for ever: compare first, e.g. ' +
        'if test -f /var/lib/pgsql/archive/%f; then cmp -s %p /var/lib/pgsql/archive/%f; else cp %p /var/lib/pgsql/archive/%f; fi',
    );
  });

  it('is quiet for the sandbox\'s command, archiving tools, archive_mode off, unknown settings and nodes down', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    expect(archiveCommandAlerts([archiving(pg1, safeArchiveCommand('/srv/archive')), archiving(pg2, 'pgbackrest --stanza=main archive-push %p'), archiving(pg3, HANDBUILT, 'off')])).toEqual([]);
    expect(archiveCommandAlerts([pg1, down('pg2')])).toEqual([]);
  });

  it('reaches the cluster\'s alerts', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const nodes = [archiving(pg1, HANDBUILT), pg2, pg3];
    const alerts = clusterAlerts(nodes, deriveLinks(nodes, NOW), DEFAULT_THRESHOLDS, NOW);
    expect(alerts.filter((alert) => alert.code === 'archive-command-not-idempotent').map((alert) => alert.node)).toEqual(['pg1']);
  });
});

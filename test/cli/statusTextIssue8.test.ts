import { describe, expect, it } from 'vitest';
import { formatStatusText } from '../../src/commands/formatStatusText.js';
import { statusJson } from '../../src/commands/statusJson.js';
import { buildClusterView } from '../../src/services/cluster/buildClusterView.js';
import { DEFAULT_THRESHOLDS } from '../../src/services/config/schema.js';
import { NOW, down, healthyCluster, primary, receiver, replicaRow, slot, standby, withServer } from '../support/snapshots.js';

/** `pgcockpit status` text and JSON for issue 8: a refused login, walsenders named by pairing, a timeline last seen. */
describe('status text', () => {
  it('shows a primary that refuses the login as NO LOGIN and up, never advising a promotion; exit 2', () => {
    const [, pg2, pg3] = healthyCluster();
    const view = buildClusterView([{ ...down('pg1', 'too many connections'), serverAnswered: true }, pg2, pg3], DEFAULT_THRESHOLDS, NOW);
    const text = formatStatusText('prod', view);
    expect(text).toMatch(/^pg1\s+✗ NO LOGIN\s+10\.0\.0\.1:5432\s+up, refuses login: too many connections$/m);
    expect(text).toContain("pg1 (10.0.0.1:5432) is up but refuses pgcockpit's login: too many connections (max_connections reached)");
    expect(text).not.toMatch(/promot/i);
    expect(statusJson('prod', view)).toMatchObject({ exitCode: 2, health: 'critical' });
  });

  it('names replicas after their paired standby, a cascade on its upstream standby', () => {
    const pg1 = primary('pg1', { server: { replicas: [replicaRow('walreceiver', { pid: 5102, clientAddr: '10.0.0.2' })], slots: [slot('slot_pg2', { activePid: 5102 })] } });
    const pg2 = withServer(standby('pg2', pg1, { server: { walReceiver: receiver(pg1, { slotName: 'slot_pg2' }) } }), {
      replicas: [replicaRow('walreceiver', { pid: 5203, clientAddr: '10.0.0.3' })],
      slots: [slot('slot_pg3', { activePid: 5203 })],
    });
    const pg3 = standby('pg3', pg2, { server: { walReceiver: receiver(pg2, { slotName: 'slot_pg3' }) } });
    const view = buildClusterView([pg1, pg2, pg3], DEFAULT_THRESHOLDS, NOW);
    const text = formatStatusText('prod', view);
    expect(text).toMatch(/^pg1\s+PRIMARY .*replicas pg2,/m);
    expect(text).toMatch(/^pg2\s+STANDBY .*from pg1, replicas pg3,/m);
    expect(text).toMatch(/^pg3\s+STANDBY .*from pg2/m);
    expect(text).toContain('alerts:\n  none');
    expect(statusJson('prod', view).links.map((link) => [link.standby, link.upstream, link.walsenderPid, link.pairedBy])).toEqual([
      ['pg2', 'pg1', 5102, 'slot'],
      ['pg3', 'pg2', 5203, 'slot'],
    ]);
  });

  it('marks a timeline kept from the last WAL receiver', () => {
    const [pg1, pg2, pg3] = healthyCluster();
    const view = buildClusterView([pg1, pg2, withServer(pg3, { timeline: 2, timelineLastSeen: true })], DEFAULT_THRESHOLDS, NOW);
    expect(formatStatusText('prod', view)).toMatch(/^pg3\s+STANDBY\s+10\.0\.0\.3:5432\s+2 \(last seen\)/m);
  });
});

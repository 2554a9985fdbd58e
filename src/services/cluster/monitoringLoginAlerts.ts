import type { Alert } from './clusterView.js';
import { listNames } from './listNames.js';
import type { NodeSnapshot } from './nodeSnapshot.js';
import { quoteIdent } from './quoteIdent.js';

/**
 * pgcockpit's login lacks what the snapshot needs. Without pg_read_all_stats
 * PostgreSQL hides every detail of pg_stat_wal_receiver and
 * pg_stat_replication but the pid, so replication cannot be judged (and
 * clusterAlerts stays quiet about it rather than raising false alarms):
 * a warning. With it but without pg_monitor only the archive backlog is
 * unknown: info. One alert per login role, naming its nodes.
 */
export function monitoringLoginAlerts(nodes: NodeSnapshot[]): Alert[] {
  const blind = new Map<string, string[]>();
  const noBacklog = new Map<string, string[]>();
  for (const node of nodes) {
    const login = node.status === 'up' ? node.server?.monitoringLogin : undefined;
    if (!login || login.pgMonitor) continue;
    const group = login.readAllStats ? noBacklog : blind;
    group.set(login.user, [...(group.get(login.user) ?? []), node.name]);
  }
  const alerts: Alert[] = [];
  for (const [user, names] of blind) {
    alerts.push({
      severity: 'warning',
      code: 'monitoring-login-privileges',
      ...(names.length === 1 ? { node: names[0] } : {}),
      message: `pgcockpit logs in to ${listNames(names)} as ${user}, which lacks pg_monitor, so WAL receivers and walsenders read as NULL and replication cannot be checked: grant pg_monitor to ${quoteIdent(user)} on the primary`,
    });
  }
  for (const [user, names] of noBacklog) {
    alerts.push({
      severity: 'info',
      code: 'monitoring-login-privileges',
      ...(names.length === 1 ? { node: names[0] } : {}),
      message: `pgcockpit logs in to ${listNames(names)} as ${user}, which lacks pg_monitor, so the archive backlog is unknown: grant pg_monitor to ${quoteIdent(user)} on the primary`,
    });
  }
  return alerts;
}

/** The node's own snapshot cannot see replication details (its login lacks pg_read_all_stats). */
export function cannotSeeReplication(node: NodeSnapshot | undefined): boolean {
  return node?.status === 'up' && node.server?.monitoringLogin.readAllStats === false;
}

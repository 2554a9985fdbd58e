import type { Alert, AlertSeverity } from '../services/cluster/clusterView.js';
import type { ModalRow, ModalWindow } from './operationModalRows.js';
import { modalWindow, wrapRows } from './operationModalRows.js';

/** Most severe first. */
export const SEVERITIES: readonly AlertSeverity[] = ['critical', 'warning', 'info'];
export const SEVERITY_MARK: Record<AlertSeverity, string> = { critical: '✗', warning: '▲', info: 'ℹ' };

/** Border (2) and the title line. */
const CHROME_ROWS = 3;

/**
 * Words an alert's advice starts with, after the cause and a colon ("pg2 is
 * not streaming (…): check primary_conninfo …"). A colon followed by anything
 * else is part of the cause ("pg3 is down: connection refused").
 */
const FIX_VERBS = /^(start|promote|fence|check|add|rewind|rebuild|bring|get|find|grant|make|set|drop|stop|compare|resume|wait|raise|look|free|remove|fix|run|restart|see)\b/;

/** An alert's message as its cause and, when it ends with advice after a colon, the fix. */
export function causeAndFix(message: string): { cause: string; fix?: string } {
  for (let at = message.lastIndexOf(': '); at > 0; at = message.lastIndexOf(': ', at - 1)) {
    const rest = message.slice(at + 2);
    if (FIX_VERBS.test(rest)) return { cause: message.slice(0, at), fix: rest };
  }
  return { cause: message };
}

/**
 * Every alert, most severe first, whole: a line with its severity, node and
 * code, then its cause, then what to do about it, wrapped to `width`.
 */
export function alertListRows(alerts: readonly Alert[], width: number): ModalRow[] {
  if (alerts.length === 0) return [{ text: '✓ no alerts', tone: 'ok' }];
  const rows: ModalRow[] = [];
  for (const severity of SEVERITIES) {
    for (const alert of alerts.filter((candidate) => candidate.severity === severity)) {
      const { cause, fix } = causeAndFix(alert.message);
      if (rows.length > 0) rows.push({ text: '' });
      rows.push({ text: `${SEVERITY_MARK[severity]} ${severity.toUpperCase()}${alert.node ? ` · ${alert.node}` : ''} · ${alert.code}`, tone: severity === 'critical' ? 'fail' : severity === 'warning' ? 'warn' : 'heading' });
      rows.push({ text: `  ${cause}` });
      if (fix) rows.push({ text: `  → fix: ${fix}`, tone: 'ok' });
    }
  }
  return wrapRows(rows, width);
}

/** The alert overlay's body at `width` × `height` (its box, border included) from row `top`. */
export function alertListWindow(alerts: readonly Alert[], width: number, height: number, top: number): ModalWindow {
  const inner = Math.max(1, width - 4);
  return modalWindow(alertListRows(alerts, inner), height - CHROME_ROWS, top, inner, 'pgcockpit status');
}

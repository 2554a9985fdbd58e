import { shellJoin } from '../os/shellQuote.js';
import { formatElapsed } from '../runner/formatElapsed.js';
import type { AuditEntry, Operator } from './auditEntry.js';

/**
 * One line a person reads:
 * `2024-05-01 10:00:03  root (sudo alice, ssh 10.0.0.5)  PLAN promote pg2: 4 steps`
 * `2024-05-01 10:00:09  root (sudo alice, ssh 10.0.0.5)  ✓ exit 0 after 2.1 s  pg2, local as postgres: pg_ctl -D /data promote`
 */
export function formatAuditEntry(entry: AuditEntry): string {
  const head = `${localTime(new Date(entry.at))}  ${describeOperator(entry.operator)}`;
  if (entry.kind === 'plan') {
    const steps = entry.steps.length === 1 ? '1 step' : `${entry.steps.length} steps`;
    return `${head}  PLAN ${entry.title}${entry.node ? ` on ${entry.node}` : ''}: ${steps}`;
  }
  const where = `${entry.node ? `${entry.node}, ` : ''}${entry.where}`;
  return `${head}  ${describeOutcome(entry)}  ${where}: ${shellJoin([entry.program, ...entry.args])}`;
}

function describeOutcome(entry: Extract<AuditEntry, { kind: 'command' }>): string {
  const after = `after ${formatElapsed(entry.durationMs)}`;
  const ended = entry.signal ? `killed by ${entry.signal}` : `exit ${entry.exitCode ?? '?'}`;
  switch (entry.outcome) {
    case 'succeeded':
      return `✓ exit 0 ${after}`;
    case 'failed':
      return `✗ ${ended} ${after}`;
    case 'cancelled':
      return `■ cancelled ${after}`;
    case 'timed out':
      return `✗ timed out ${after}`;
    case 'refused':
      return `⊘ REFUSED (${entry.error ?? 'no reason recorded'})`;
    case 'error':
      return `✗ did not run (${entry.error ?? 'no reason recorded'})`;
  }
}

function describeOperator(operator: Operator): string {
  const extras = [
    ...(operator.sudoUser ? [`sudo ${operator.sudoUser}`] : []),
    // SSH_CLIENT is "address port port": the address is what identifies the operator's machine.
    ...(operator.sshClient ? [`ssh ${operator.sshClient.split(' ')[0]}`] : []),
  ];
  return extras.length > 0 ? `${operator.user} (${extras.join(', ')})` : operator.user;
}

function localTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

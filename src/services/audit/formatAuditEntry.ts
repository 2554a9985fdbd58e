import { shellJoin } from '../os/shellQuote.js';
import { formatElapsed } from '../runner/formatElapsed.js';
import { maskSecrets } from '../runner/secretMasker.js';

/** A journal line as read back: any JSON object, since older, newer or damaged pgcockpits may have written it. */
export type JournalRecord = Readonly<Record<string, unknown>>;

/**
 * One entry as a person reads it (a step's start adds its SQL and commands,
 * indented, on the lines below):
 * `2024-05-01 10:00:03  root (sudo alice, ssh 10.0.0.5)  PLAN promote pg2: 4 steps`
 * `2024-05-01 10:00:09  root (sudo alice, ssh 10.0.0.5)  ✓ exit 0 after 2.1 s  pg2, local as postgres: pg_ctl -D /data promote`
 * `2024-05-01 10:00:12  root  ■ INTERRUPTED switchover: ... after step 2/10 (SIGINT): pg1 is left stopped ...`
 * Never throws: a field missing or of the wrong type prints as "?", and an
 * entry of a kind it does not know prints as its JSON.
 */
export function formatAuditEntry(entry: JournalRecord): string {
  const head = `${localTime(entry.at)}  ${describeOperator(entry.operator)}`;
  return `${head}  ${describeEntry(entry)}`;
}

function describeEntry(entry: JournalRecord): string {
  switch (entry.kind) {
    case 'plan': {
      const count = Array.isArray(entry.steps) ? entry.steps.length : undefined;
      const steps = count === undefined ? '? steps' : count === 1 ? '1 step' : `${count} steps`;
      return `PLAN ${text(entry.title)}${typeof entry.node === 'string' ? ` on ${entry.node}` : ''}: ${steps}`;
    }
    case 'command': {
      const where = `${typeof entry.node === 'string' ? `${entry.node}, ` : ''}${text(entry.where)}`;
      const args = Array.isArray(entry.args) ? entry.args.map((arg) => String(arg)) : [];
      return `${describeCommandOutcome(entry)}  ${where}: ${shellJoin([text(entry.program), ...args])}`;
    }
    case 'step':
      return describeStep(entry);
    case 'sql': {
      const mark = entry.outcome === 'succeeded' ? '✓' : entry.outcome === 'failed' ? '✗' : '?';
      const failed = entry.outcome === 'failed' ? ` failed: ${text(entry.error)}` : '';
      return `  SQL ${mark} step ${text(entry.step)} on ${text(entry.node)}${after(entry.durationMs)}${failed}: ${text(entry.sql)}`;
    }
    case 'outcome':
      return describePlanOutcome(entry);
    default:
      return `? ${typeof entry.kind === 'string' ? entry.kind : 'entry'} pgcockpit does not know: ${truncate(JSON.stringify(entry))}`;
  }
}

function describeStep(entry: JournalRecord): string {
  const where =
    typeof entry.undoOf === 'number'
      ? `undo ${text(entry.step)}/${text(entry.total)} of step ${entry.undoOf} on ${text(entry.node)}`
      : `step ${text(entry.step)}/${text(entry.total)} on ${text(entry.node)}`;
  switch (entry.phase) {
    case 'started': {
      const detail = typeof entry.detail === 'string' && entry.detail !== '' ? entry.detail.split('\n').map((line) => `\n      ${line}`).join('') : '';
      return `▶ ${where}: ${text(entry.description)}${detail}`;
    }
    case 'succeeded':
      return `✓ ${where}${after(entry.durationMs)}: ${text(entry.result ?? 'done')}`;
    case 'failed':
      return `✗ ${where} failed${after(entry.durationMs)}: ${text(entry.error)}`;
    case 'cancelled':
      return `■ ${where} cancelled${after(entry.durationMs)}: ${text(entry.error ?? 'stopped half-way')}`;
    default:
      return `? ${where}: ${text(entry.description)}`;
  }
}

function describePlanOutcome(entry: JournalRecord): string {
  const plan = text(entry.plan);
  const total = text(entry.total);
  const elapsed = typeof entry.elapsedMs === 'number' ? ` in ${formatElapsed(entry.elapsedMs)}` : '';
  const advice = typeof entry.advice === 'string' && entry.advice !== '' ? `; ${entry.advice}` : '';
  switch (entry.outcome) {
    case 'succeeded':
      return `✓ SUCCEEDED ${plan}: all ${total} steps done${elapsed}`;
    case 'failed':
      return `✗ FAILED ${plan} at step ${text(entry.step)}/${total}${elapsed}: ${text(entry.error)}${advice}`;
    case 'interrupted':
      return `■ INTERRUPTED ${plan} after step ${text(entry.step)}/${total}${typeof entry.signal === 'string' ? ` (${entry.signal})` : ''}${elapsed}${advice}`;
    case 'cancelled':
      return `■ CANCELLED ${plan} at step ${text(entry.step)}/${total}${typeof entry.signal === 'string' ? ` (${entry.signal})` : ''}${elapsed}; undone: ${Array.isArray(entry.undone) && entry.undone.length > 0 ? text(entry.undone.join(', ')) : 'nothing'}${advice}`;
    default:
      return `? ${plan}: ended ${text(entry.outcome)}`;
  }
}

function describeCommandOutcome(entry: JournalRecord): string {
  const duration = after(entry.durationMs);
  const ended = typeof entry.signal === 'string' ? `killed by ${entry.signal}` : `exit ${typeof entry.exitCode === 'number' ? entry.exitCode : '?'}`;
  const reason = typeof entry.error === 'string' ? entry.error : 'no reason recorded';
  switch (entry.outcome) {
    case 'succeeded':
      return `✓ exit 0${duration}`;
    case 'failed':
      return `✗ ${ended}${duration}`;
    case 'cancelled':
      return `■ cancelled${duration}`;
    case 'timed out':
      return `✗ timed out${duration}`;
    case 'refused':
      return `⊘ REFUSED (${reason})`;
    case 'error':
      return `✗ did not run (${reason})`;
    default:
      return `? ${text(entry.outcome)}`;
  }
}

function after(ms: unknown): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? ` after ${formatElapsed(ms)}` : '';
}

/** A field as text: "?" when missing; masked, as everything pgcockpit prints. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '?';
  return maskSecrets(typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
}

function truncate(line: string, max = 300): string {
  return maskSecrets(line.length > max ? `${line.slice(0, max)}…` : line);
}

function describeOperator(value: unknown): string {
  if (value === null || typeof value !== 'object') return '?';
  const operator = value as { user?: unknown; sudoUser?: unknown; sshClient?: unknown };
  const extras = [
    ...(typeof operator.sudoUser === 'string' ? [`sudo ${operator.sudoUser}`] : []),
    // SSH_CLIENT is "address port port": the address is what identifies the operator's machine.
    ...(typeof operator.sshClient === 'string' ? [`ssh ${operator.sshClient.split(' ')[0]}`] : []),
  ];
  const user = typeof operator.user === 'string' ? operator.user : '?';
  return extras.length > 0 ? `${user} (${extras.join(', ')})` : user;
}

function localTime(value: unknown): string {
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '????-??-?? ??:??:??';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

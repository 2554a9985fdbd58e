import { appendFile, chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SecretMasker } from '../runner/secretMasker.js';
import { createSecretMasker, maskSecretsDeep } from '../runner/secretMasker.js';
import type { AuditEntry, AuditEntryInput, AuditStep, CommandRecord, Operator, OutcomeEntry, StatementEntry, StepEntry } from './auditEntry.js';
import { currentOperator } from './auditEntry.js';
import { defaultAuditPath } from './defaultAuditPath.js';

export interface AuditJournalOptions {
  /** Default: $XDG_STATE_HOME/pgcockpit/audit.jsonl. */
  file?: string;
  /** Default: this process's user, $SUDO_USER and $SSH_CLIENT. */
  operator?: Operator;
}

/** What the job layer needs of the journal. */
export interface CommandAudit {
  recordCommand(record: CommandRecord): Promise<void>;
}

/**
 * The record of what pgcockpit did: every plan shown and every command run,
 * each step of a plan that ran (start, end), the statements that changed
 * something, and how the plan ended, by whom and from where, one JSON
 * object a line. The file is 0600 in a 0700
 * directory: it names hosts, paths and accounts. Secrets are masked before
 * they reach it; the journal masks spelled-out passwords (password=...) once
 * more, in case a caller forgot.
 */
export class AuditJournal implements CommandAudit {
  readonly file: string;
  private readonly operator: Operator;
  /** Spelled-out passwords only: known ones are the caller's to mask (the journal cannot know them). */
  private readonly masker: SecretMasker = createSecretMasker();
  /** Writes in order, one at a time. */
  private queue: Promise<void> = Promise.resolve();
  private checkedMode = false;

  constructor(options: AuditJournalOptions = {}) {
    this.file = options.file ?? defaultAuditPath();
    this.operator = options.operator ?? currentOperator();
  }

  /** A plan as shown to the operator, before they confirm it. `secrets` are masked in it. */
  recordPlan(title: string, steps: readonly AuditStep[], details: { node?: string; secrets?: readonly string[] } = {}): Promise<void> {
    const masker = createSecretMasker({ secrets: details.secrets, env: process.env });
    return this.append({
      kind: 'plan',
      at: new Date().toISOString(),
      operator: this.operator,
      title: masker.mask(title),
      ...(details.node !== undefined ? { node: details.node } : {}),
      steps: steps.map((step) => maskSecretsDeep(step, masker)),
    });
  }

  /** A plan's step starting (with its SQL and commands) or ending (with its result or error). */
  recordStep(step: AuditEntryInput<StepEntry>): Promise<void> {
    return this.append({ kind: 'step', at: new Date().toISOString(), operator: this.operator, ...step });
  }

  /** A statement a step sent that changes something, or that failed. */
  recordStatement(statement: AuditEntryInput<StatementEntry>): Promise<void> {
    return this.append({ kind: 'sql', at: new Date().toISOString(), operator: this.operator, ...statement });
  }

  /** How a plan that ran ended: succeeded, failed at step N, interrupted after step N. */
  recordOutcome(outcome: AuditEntryInput<OutcomeEntry>): Promise<void> {
    return this.append({ kind: 'outcome', at: new Date().toISOString(), operator: this.operator, ...outcome });
  }

  recordCommand(record: CommandRecord): Promise<void> {
    const { startedAt, endedAt, ...rest } = record;
    // kind and at first: the raw file is read by people too.
    return this.append({
      kind: 'command',
      at: new Date(endedAt).toISOString(),
      ...rest,
      args: [...record.args],
      envKeys: [...record.envKeys],
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      operator: this.operator,
    });
  }

  private append(entry: AuditEntry): Promise<void> {
    const line = `${JSON.stringify(maskSecretsDeep(entry, this.masker))}\n`;
    const write = this.queue.then(() => this.write(line));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async write(line: string): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // O_APPEND: each entry lands whole at the end, even with two pgcockpits writing.
    await appendFile(this.file, line, { mode: 0o600, flag: 'a' });
    if (!this.checkedMode) {
      const mode = (await stat(this.file)).mode & 0o777;
      if (mode !== 0o600) await chmod(this.file, 0o600);
      this.checkedMode = true;
    }
  }
}

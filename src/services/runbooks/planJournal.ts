import type { AuditEntryInput, CommandRecord, OutcomeEntry, StatementEntry, StepEntry } from '../audit/auditEntry.js';
import type { PlanAudit } from './executePlan.js';

/** The journal's optional entries, best effort: a journal that cannot be written is said once in the log, and never stops a plan halfway. */
export interface PlanJournal {
  step(entry: AuditEntryInput<StepEntry>): Promise<void>;
  statement(entry: AuditEntryInput<StatementEntry>): Promise<void>;
  command(record: CommandRecord): Promise<void>;
  outcome(entry: AuditEntryInput<OutcomeEntry>): Promise<void>;
}

export function planJournal(audit: PlanAudit | undefined, log: (text: string) => void): PlanJournal {
  let warned = false;
  const safely = async (write: (() => Promise<void>) | undefined) => {
    if (!write) return;
    try {
      await write();
    } catch (error) {
      if (!warned) log(`! the audit journal could not be written: ${error instanceof Error ? error.message : String(error)}`);
      warned = true;
    }
  };
  return {
    step: (entry) => safely(audit?.recordStep && (() => audit.recordStep!(entry))),
    statement: (entry) => safely(audit?.recordStatement && (() => audit.recordStatement!(entry))),
    command: (record) => safely(audit?.recordCommand && (() => audit.recordCommand!(record))),
    outcome: (entry) => safely(audit?.recordOutcome && (() => audit.recordOutcome!(entry))),
  };
}

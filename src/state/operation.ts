import type { CheckStatus, Plan } from '../services/runbooks/plan.js';

/** The runbooks the cockpit can start on a node from its keys. */
export type OperationKind = 'failover' | 'switchover';

export type OperationPhase = 'planning' | 'confirm' | 'running' | 'done' | 'failed';

/** A plan as the modal draws it: what was checked and what would run, without the steps' functions. */
export interface OperationPlan {
  title: string;
  target: string;
  checks: Array<{ label: string; status: CheckStatus; observed: string; fix?: string }>;
  steps: Array<{ node: string; description: string; detail: string }>;
  blocked: boolean;
  blockedReasons: string[];
  warnings: string[];
  confirmWord: string;
  /** Refused by the split-brain guard: another primary is up and writable, so a switchover is the way. */
  offersSwitchover: boolean;
}

/** A runbook the DBA asked for on a node, from planning to its end. */
export interface Operation {
  /** Tells one request from the next: a plan that arrives after a cancel is dropped. */
  id: number;
  kind: OperationKind;
  target: string;
  phase: OperationPhase;
  plan?: OperationPlan;
  /** What the DBA typed into the confirmation so far. */
  typed: string;
  error?: string;
  /** When it was confirmed (set: its steps started). */
  startedAt?: number;
  endedAt?: number;
  /** The step running now, as executePlan announces it ("step 2/5"). */
  step?: { number: number; total: number };
}

/** How an operation ended, as the glue reports it. */
export interface OperationOutcome {
  succeeded: boolean;
  error?: string;
  /** Nodes that must be rebuilt before they can replicate again (the old primary after a failover). */
  needsRebuild?: readonly string[];
}

/** The render-friendly copy of a runbook's plan the store keeps. */
export function operationPlanOf(plan: Plan): OperationPlan {
  return {
    title: plan.title,
    target: plan.target,
    checks: plan.checks.map(({ label, status, observed, fix }) => ({ label, status, observed, ...(fix !== undefined ? { fix } : {}) })),
    steps: plan.steps.map(({ node, description, detail }) => ({ node, description, detail })),
    blocked: plan.blocked,
    blockedReasons: [...plan.blockedReasons],
    warnings: [...plan.warnings],
    confirmWord: plan.confirmWord,
    offersSwitchover: plan.checks.some((check) => check.status === 'fail' && check.label.includes('split-brain')),
  };
}

/**
 * What the operation modal takes keys for: typing the confirmation, a refusal
 * that offers a switchover, or only closing (planning, refused, planning
 * failed). Undefined when no modal is open: nothing asked, or the steps run
 * or ran (the modal closes into the log once confirmed).
 */
export function operationModalMode(operation: Operation | null): 'typing' | 'offer' | 'info' | undefined {
  if (!operation) return undefined;
  if (operation.phase === 'confirm') {
    if (!operation.plan?.blocked) return 'typing';
    return operation.plan.offersSwitchover && operation.kind === 'failover' ? 'offer' : 'info';
  }
  if (operation.phase === 'planning') return 'info';
  if (operation.phase === 'failed' && operation.startedAt === undefined) return 'info';
  return undefined;
}

/** The operation whose steps run now, if any. */
export function runningOperation(state: { operation: Operation | null }): Operation | undefined {
  return state.operation?.phase === 'running' ? state.operation : undefined;
}

/** The verb of the confirmation line: "type pg2 to promote it". */
export function operationVerb(kind: OperationKind): string {
  return kind === 'failover' ? 'promote it' : 'switch over to it';
}

import type { ClusterView } from '../cluster/clusterView.js';
import type { Plan } from './plan.js';
import type { PlanSessions } from './sqlSessions.js';

/**
 * The nodes a plan's statements go to (the nodes its steps act on, and its
 * target, which a re-pointed standby's wait asks too) that answered the look
 * the plan was made from. A node that was down is never dialled ahead: the
 * connect would only wait out its timeout while the plan is on screen, and
 * the steps that touch it act through its host, not over SQL.
 */
export function planSessionNodes(plan: Pick<Plan, 'steps' | 'target'>, view: Pick<ClusterView, 'nodes'>): string[] {
  const up = new Set(view.nodes.filter((node) => node.status === 'up').map((node) => node.name));
  return [...new Set([plan.target, ...plan.steps.map((step) => step.node)])].filter((name) => up.has(name));
}

/**
 * Opens, while the plan is on screen, the sessions its steps will use, so
 * that the time from the DBA's confirmation to the new primary taking a
 * write is the server's, not a connect's. A refused plan opens nothing.
 */
export async function openPlanSessions(sessions: PlanSessions | undefined, plan: Pick<Plan, 'steps' | 'target' | 'blocked'>, view: Pick<ClusterView, 'nodes'>): Promise<void> {
  if (!sessions || plan.blocked) return;
  await sessions.open(planSessionNodes(plan, view));
}

/** Closes what openPlanSessions opened for a plan that turned out refused: a refused plan holds no session. */
export async function releasePlanSessions(sessions: PlanSessions | undefined, plan: Pick<Plan, 'steps' | 'target'>, view: Pick<ClusterView, 'nodes'>): Promise<void> {
  if (!sessions) return;
  await Promise.all(planSessionNodes(plan, view).map((name) => sessions.reset(name)));
}

/** A query on the promoted node's one session. */
export type RecoveryProbe = () => Promise<boolean>;

export interface PromotionWait {
  elapsedMs: number;
  polls: number;
}

/**
 * Polls pg_is_in_recovery() on one session every `intervalMs` (2–5 ms) until
 * it turns false. pg_promote(wait => true) would re-check only every 100 ms
 * (its wait loop sleeps WAITS_PER_SECOND = 10), so the plan calls
 * pg_promote(wait => false) and waits here instead.
 */
export async function waitForPromotion(inRecovery: RecoveryProbe, timeoutMs: number, intervalMs = 2): Promise<PromotionWait> {
  const startedAt = Date.now();
  let polls = 0;
  while (true) {
    polls++;
    if (!(await inRecovery())) return { elapsedMs: Date.now() - startedAt, polls };
    if (Date.now() - startedAt >= timeoutMs) {
      throw new Error(`still in recovery ${timeoutMs / 1000} s after pg_promote (${polls} checks); see its server log`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

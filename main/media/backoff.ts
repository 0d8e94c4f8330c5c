/**
 * When to try an upstream again: exponential backoff with jitter, forever (a wall keeps trying
 * while anyone watches), reset once a stream has played steadily. Pure: the random source is
 * injected.
 *
 *   attempt   0     1     2     3     4     5     6 …
 *   base ms   500   1000  2000  4000  8000  16000 30000 (cap) …
 *   actual    base × U(1 − jitter, 1 + jitter), never above cap × (1 + jitter)
 */
export interface BackoffPolicy {
  /** First delay, ms. */
  initialMs: number;
  /** Longest delay, ms: an operator waits at most this long after a camera comes back. */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** ± share of the delay drawn at random, so many tiles of one site do not retry in step. */
  jitter: number;
  /** A stream that played this long counts as healthy: its next failure starts from attempt 0, ms. */
  stableMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2, stableMs: 10_000 };

/** Delay before attempt number `attempt` (0 = the first retry), ms. `random` returns [0, 1). */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = defaultBackoff): number {
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.round(base * spread);
}

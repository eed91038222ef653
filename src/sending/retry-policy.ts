// How often and how soon a temporary mail failure is tried again; injectable so tests stay fast.
export interface RetryPolicy {
  /** Sends of one mail in one run, the first included. */
  maxTries: number;
  /** Wait before try number `nextTry` (2, 3, …). */
  delayMs(nextTry: number): number;
}

/** 2 s, 8 s, 30 s…: enough for a greylisting or overloaded server, bounded so a run ends. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxTries: 4,
  delayMs: (nextTry) => Math.min(30_000, 2_000 * 4 ** (nextTry - 2)),
};

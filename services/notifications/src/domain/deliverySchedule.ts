// When an undelivered notification is tried again: exponential backoff, capped so nothing waits forever.

export interface RedeliveryPolicy {
  /** Delay after the first failed delivery; doubles with each further failure. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/** `failedAttempts` counts the deliveries that have failed so far, this one included (>= 1). */
export function nextAttemptAt(now: Date, failedAttempts: number, policy: RedeliveryPolicy): Date {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const delayMs = Math.min(policy.firstDelayMs * 2 ** exponent, policy.maxDelayMs);
  return new Date(now.getTime() + delayMs);
}

// Per-client token buckets: each client may make `ratePerSecond` calls a second, with bursts up to that many.
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(private readonly ratePerSecond: number) {}

  /** Takes one token for `client` at `nowMs`; false when the client is over its rate. */
  tryTake(client: string, nowMs: number): boolean {
    if (this.ratePerSecond <= 0) return true;
    const bucket = this.buckets.get(client) ?? { tokens: this.ratePerSecond, updatedMs: nowMs };
    const refilled = Math.min(this.ratePerSecond, bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * this.ratePerSecond);
    const allowed = refilled >= 1;
    this.buckets.set(client, { tokens: allowed ? refilled - 1 : refilled, updatedMs: nowMs });
    if (this.buckets.size > 10_000) this.forgetFull(nowMs);
    return allowed;
  }

  /** Clients whose bucket has filled up again need no memory. */
  private forgetFull(nowMs: number): void {
    for (const [client, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.updatedMs) / 1000) * this.ratePerSecond >= this.ratePerSecond) this.buckets.delete(client);
    }
  }
}

// A queue in front of a scarce resource (database connections, a rate-limited dependency) is full: the call
// is refused at once with RESOURCE_EXHAUSTED rather than held in memory until it times out.
export class OverloadedError extends Error {
  readonly code = 'OVERLOADED';
  constructor(readonly resource: string) {
    super(`${resource} busy, retry with backoff`);
    this.name = 'OverloadedError';
  }
}

// What the real ProductService does before answering: token check, per-client rate limit,
// added latency and random failures, so that Checkout's client is tested against them.
import type * as grpc from '@grpc/grpc-js';
import { RateLimiter } from '../../domain/rateLimiter';

export class UnauthenticatedError extends Error {
  readonly code = 'UNAUTHENTICATED';
}
export class RateLimitedError extends Error {
  readonly code = 'RATE_LIMITED';
}
export class InjectedFailureError extends Error {
  readonly code = 'INJECTED_FAILURE';
}

export interface AdmissionPolicy {
  accessToken: string | undefined;
  rateLimitRps: number;
  latencyMs: number;
  failureRatio: number;
}

export type Admit = (call: grpc.ServerUnaryCall<unknown, unknown>) => Promise<void>;

export function createAdmission(policy: AdmissionPolicy, random: () => number = Math.random): Admit {
  const limiter = new RateLimiter(policy.rateLimitRps);
  const expected = policy.accessToken === undefined ? undefined : `Bearer ${policy.accessToken}`;
  return async (call) => {
    const authorization = call.metadata.get('authorization')[0];
    if (expected !== undefined && authorization !== expected) throw new UnauthenticatedError('missing or wrong access token');
    const client = typeof authorization === 'string' ? authorization : peerHost(call.getPeer());
    if (!limiter.tryTake(client, Date.now())) throw new RateLimitedError(`over ${policy.rateLimitRps} calls per second`);
    if (policy.latencyMs > 0) await sleepUnlessCancelled(policy.latencyMs, call);
    if (random() < policy.failureRatio) throw new InjectedFailureError('injected failure, try again');
  };
}

/** `1.2.3.4:5678` or `[::1]:5678` → the host: one client may open several connections. */
function peerHost(peer: string): string {
  const colon = peer.lastIndexOf(':');
  return colon > 0 ? peer.slice(0, colon) : peer;
}

function sleepUnlessCancelled(ms: number, call: grpc.ServerUnaryCall<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      call.off('cancelled', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    call.on('cancelled', done);
  });
}

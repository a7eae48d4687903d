// How a failed call to a dependency looks to our caller: its deadline → DEADLINE_EXCEEDED, anything else → UNAVAILABLE.
import * as grpc from '@grpc/grpc-js';
import { roundRobinLoadBalancing } from '@shop/platform';
import { DependencyTimeoutError, DependencyUnavailableError } from '../domain/errors';

export function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number';
}

export function dependencyError(dependency: string, err: unknown): Error {
  if (isServiceError(err) && err.code === grpc.status.DEADLINE_EXCEEDED) return new DependencyTimeoutError(dependency);
  const reason = isServiceError(err) ? `${grpc.status[err.code]}: ${err.details}` : String(err);
  return new DependencyUnavailableError(dependency, reason);
}

/** grpc-js retry policy (it adds jitter to the backoff itself) as a channel's service config, which also spreads
 * calls round robin over every address of the channel's target (the replicas of the service). */
export function retryServiceConfig(
  service: string,
  methods: string[],
  policy: { maxAttempts: number; initialBackoffMs: number; maxBackoffMs: number; retryableStatusCodes: string[] },
): string {
  return JSON.stringify({
    loadBalancingConfig: roundRobinLoadBalancing,
    methodConfig: [
      {
        name: methods.map((method) => ({ service, method })),
        retryPolicy: {
          maxAttempts: policy.maxAttempts,
          initialBackoff: `${policy.initialBackoffMs / 1000}s`,
          maxBackoff: `${policy.maxBackoffMs / 1000}s`,
          backoffMultiplier: 2,
          retryableStatusCodes: policy.retryableStatusCodes,
        },
      },
    ],
  });
}

/** Reconnect soon after a dependency comes back, rather than after grpc-js' default of up to 2 minutes. */
export const reconnectOptions = {
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 2_000,
} as const;

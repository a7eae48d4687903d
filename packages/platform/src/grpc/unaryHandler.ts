// Adapts an async handler to grpc-js and maps every thrown error to a status in one place.
import * as grpc from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { principalOf } from '../auth/principal';
import type { Logger } from '../logger';
import { InvalidArgumentError, invalidArgumentStatus } from './invalidArgument';
import { isStatusError, statusError, type StatusError } from './statusError';

/** A service's own mapping of its domain errors; returns undefined for errors it does not know. */
export type DomainErrorMapper = (err: unknown) => StatusError | undefined;

export function unaryHandler<Req, Res>(
  method: string,
  handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
  mapDomainError: DomainErrorMapper,
  logger: Logger,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = performance.now();
    const { caller, userId } = principalOf(call);
    const handled = (code: grpc.status) =>
      logger.debug(
        { method, caller, user_id: userId, code: grpc.status[code], duration_ms: Math.round((performance.now() - started) * 10) / 10 },
        'call handled',
      );
    handle(call.request, call).then(
      (response) => {
        handled(grpc.status.OK);
        callback(null, response);
      },
      (err: unknown) => {
        const status = toStatusError(err, method, mapDomainError, logger);
        handled(status.code);
        callback(status);
      },
    );
  };
}

export function toStatusError(err: unknown, method: string, mapDomainError: DomainErrorMapper, logger: Logger): StatusError {
  if (err instanceof InvalidArgumentError) return invalidArgumentStatus(err);
  const mapped = mapDomainError(err) ?? dependencyStatus(err);
  if (mapped) return mapped;
  if (isStatusError(err)) return err;
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  logger.error({ err, method, trace_id: traceId }, 'unexpected error');
  return statusError(grpc.status.INTERNAL, 'internal error' + (traceId ? ` (trace ${traceId})` : ''));
}

const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08000', '08003', '08006']);

/** Our own dependencies failing: the database going away or timing out. */
function dependencyStatus(err: unknown): StatusError | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (code === '57014') return statusError(grpc.status.DEADLINE_EXCEEDED, 'database statement timed out');
  if (typeof code === 'string' && unavailableCodes.has(code)) return statusError(grpc.status.UNAVAILABLE, 'database unavailable');
  if (/timeout exceeded when trying to connect|Connection terminated/i.test(err.message))
    return statusError(grpc.status.UNAVAILABLE, 'database unavailable');
  return undefined;
}

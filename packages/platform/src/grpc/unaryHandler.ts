// Adapts an async handler to grpc-js and maps every thrown error to a status in one place.
import * as grpc from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { principalOf } from '../auth/principal';
import type { Logger } from '../logger';
import { CallCancelledError, currentCallScope } from './callScope';
import { InvalidArgumentError, invalidArgumentStatus } from './invalidArgument';
import { OverloadedError } from './overloaded';
import { isStatusError, statusError, type StatusError } from './statusError';

/** A service's own mapping of its domain errors; returns undefined for errors it does not know. */
export type DomainErrorMapper = (err: unknown) => StatusError | undefined;

/** A service's handler adapter, its error mapping and logger bound once: `handler('CreateOrder', handle)`. */
export function boundUnaryHandler(mapDomainError: DomainErrorMapper, logger: Logger) {
  return <Req, Res>(method: string, handle: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>) =>
    unaryHandler(method, handle, mapDomainError, logger);
}

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
  // Work stopped because the caller gave up (its statements cancelled, its connection closed): not a fault.
  if (currentCallScope()?.signal.aborted) return statusError(grpc.status.CANCELLED, new CallCancelledError().message);
  if (err instanceof InvalidArgumentError) return invalidArgumentStatus(err);
  const mapped = mapDomainError(err) ?? dependencyStatus(err);
  if (mapped) return mapped;
  if (isStatusError(err)) return err;
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  logger.error({ err, method, trace_id: traceId }, 'unexpected error');
  return statusError(grpc.status.INTERNAL, 'internal error' + (traceId ? ` (trace ${traceId})` : ''));
}

const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08000', '08003', '08006']);

/** Our own dependencies failing (the database going away or timing out), a full queue, a caller gone. */
function dependencyStatus(err: unknown): StatusError | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err instanceof OverloadedError) return statusError(grpc.status.RESOURCE_EXHAUSTED, err.message);
  if (err instanceof CallCancelledError) return statusError(grpc.status.CANCELLED, err.message);
  const code = (err as { code?: unknown }).code;
  if (code === '57014') return statusError(grpc.status.DEADLINE_EXCEEDED, 'database statement timed out');
  if (typeof code === 'string' && unavailableCodes.has(code)) return statusError(grpc.status.UNAVAILABLE, 'database unavailable');
  // node-pg's own words for a connection that is gone (a client used again after its connection failed is "not queryable").
  if (/timeout exceeded when trying to connect|Connection terminated|not queryable/i.test(err.message))
    return statusError(grpc.status.UNAVAILABLE, 'database unavailable');
  return undefined;
}

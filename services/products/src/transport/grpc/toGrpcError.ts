// Maps the local ProductService's errors to the status codes the real one answers with.
import * as grpc from '@grpc/grpc-js';
import { statusError, type StatusError } from '@shop/platform';
import { ProductNotFoundError } from '../../domain/catalogue';
import { InjectedFailureError, RateLimitedError, UnauthenticatedError } from './admission';

export function toGrpcError(err: unknown): StatusError | undefined {
  if (err instanceof ProductNotFoundError) return statusError(grpc.status.NOT_FOUND, err.message);
  if (err instanceof UnauthenticatedError) return statusError(grpc.status.UNAUTHENTICATED, err.message);
  if (err instanceof RateLimitedError) return statusError(grpc.status.RESOURCE_EXHAUSTED, err.message);
  if (err instanceof InjectedFailureError) return statusError(grpc.status.UNAVAILABLE, err.message);
  return undefined;
}

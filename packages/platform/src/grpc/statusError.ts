// A gRPC error with google.rpc.Status details in `grpc-status-details-bin`, as richer clients expect.
import * as grpc from '@grpc/grpc-js';
import { Any, rpcDetails, rpcStatus } from '@shop/proto';

const typePrefix = 'type.googleapis.com/';

export type Detail =
  | { kind: 'ErrorInfo'; value: rpcDetails.ErrorInfo }
  | { kind: 'PreconditionFailure'; value: rpcDetails.PreconditionFailure }
  | { kind: 'BadRequest'; value: rpcDetails.BadRequest };

export interface StatusError extends Error {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

/** A status message travels in a trailer: past a few KiB clients refuse it, so no message is longer than this. */
export const maxStatusMessageLength = 2_000;

export function statusError(code: grpc.status, fullMessage: string, details: Detail[] = []): StatusError {
  const message = fullMessage.length <= maxStatusMessageLength ? fullMessage : `${fullMessage.slice(0, maxStatusMessageLength - 1)}…`;
  const metadata = new grpc.Metadata();
  if (details.length > 0) {
    const status = rpcStatus.Status.encode({ code, message, details: details.map(packDetail) }).finish();
    metadata.set('grpc-status-details-bin', Buffer.from(status));
  }
  return Object.assign(new Error(message), { code, details: message, metadata });
}

export function isStatusError(err: unknown): err is StatusError {
  return err instanceof Error && typeof (err as Partial<StatusError>).code === 'number' && 'metadata' in err;
}

function packDetail(detail: Detail): Any {
  switch (detail.kind) {
    case 'ErrorInfo':
      return { typeUrl: typePrefix + 'google.rpc.ErrorInfo', value: Buffer.from(rpcDetails.ErrorInfo.encode(detail.value).finish()) };
    case 'PreconditionFailure':
      return {
        typeUrl: typePrefix + 'google.rpc.PreconditionFailure',
        value: Buffer.from(rpcDetails.PreconditionFailure.encode(detail.value).finish()),
      };
    case 'BadRequest':
      return { typeUrl: typePrefix + 'google.rpc.BadRequest', value: Buffer.from(rpcDetails.BadRequest.encode(detail.value).finish()) };
  }
}

/** Decodes the details that a server put in an error; unknown detail types are skipped. */
export function readStatusDetails(err: { metadata?: grpc.Metadata }): Detail[] {
  const raw = err.metadata?.get('grpc-status-details-bin')[0];
  if (!raw) return [];
  const status = rpcStatus.Status.decode(typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw);
  const details: Detail[] = [];
  for (const any of status.details) {
    const type = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
    if (type === 'google.rpc.ErrorInfo') details.push({ kind: 'ErrorInfo', value: rpcDetails.ErrorInfo.decode(any.value) });
    if (type === 'google.rpc.PreconditionFailure')
      details.push({ kind: 'PreconditionFailure', value: rpcDetails.PreconditionFailure.decode(any.value) });
    if (type === 'google.rpc.BadRequest') details.push({ kind: 'BadRequest', value: rpcDetails.BadRequest.decode(any.value) });
  }
  return details;
}

// A unary call as a promise, always with a deadline.
import * as grpc from '@grpc/grpc-js';

export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

export function callUnary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  options: { timeoutMs: number; metadata?: grpc.Metadata },
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, options.metadata ?? new grpc.Metadata(), { deadline: Date.now() + options.timeoutMs }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

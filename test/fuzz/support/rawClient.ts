// A generic gRPC client that sends request bytes as they are, so the fuzz controls every byte on the wire,
// and reports how each call ended (code, message, details, time) instead of throwing.
import * as grpc from '@grpc/grpc-js';
import { readStatusDetails, type Detail } from '@shop/platform';
import { service as healthService } from 'grpc-health-check';

export interface Outcome {
  code: grpc.status;
  message: string;
  details: Detail[];
  response?: Buffer;
  elapsedMs: number;
  /** The call ran into the client's own deadline: the server never answered. */
  hung: boolean;
}

export interface RawClient {
  call(path: string, request: Buffer, metadata?: grpc.Metadata): Promise<Outcome>;
  /** Health of `service` ('' is the whole server), asked with grpc.health.v1.Health/Check. */
  health(service: string): Promise<string>;
  close(): void;
}

const identity = (b: Buffer) => b;

export interface RawClientOptions {
  deadlineMs?: number;
  /**
   * A call that hangs may have wedged its HTTP/2 connection, so that every later call hangs too: open a new
   * one, so that the next calls (and fast-check's shrinking) say something about their own request.
   */
  reconnectAfterHang?: boolean;
}

export function rawClient(address: string, credentials: grpc.ChannelCredentials, options: RawClientOptions = {}): RawClient {
  const deadlineMs = options.deadlineMs ?? 15_000;
  const connect = () =>
    new grpc.Client(address, credentials, {
      // Error details of a request with thousands of bad fields are large: let them through, the server owns their size.
      'grpc.max_metadata_size': 64 * 1024 * 1024,
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
    });
  let client = connect();
  const hung = () => {
    if (options.reconnectAfterHang === false) return;
    client.close();
    client = connect();
  };
  const check = healthService.Check;
  if (!check) throw new Error('grpc-health-check defines no Check method');
  return {
    call: (path, request, metadata = new grpc.Metadata()) =>
      new Promise((resolve) => {
        const started = performance.now();
        client.makeUnaryRequest(path, identity, identity, request, metadata, { deadline: Date.now() + deadlineMs }, (err, response) => {
          const elapsedMs = performance.now() - started;
          if (!err) return resolve({ code: grpc.status.OK, message: '', details: [], response, elapsedMs, hung: false });
          const noAnswer = err.code === grpc.status.DEADLINE_EXCEEDED && elapsedMs >= deadlineMs * 0.95;
          if (noAnswer) hung();
          resolve({ code: err.code, message: err.details, details: readStatusDetails(err), elapsedMs, hung: noAnswer });
        });
      }),
    health: (service) =>
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(
          check.path,
          check.requestSerialize,
          check.responseDeserialize,
          { service },
          { deadline: Date.now() + 10_000 },
          (err, res) => (err ? reject(err) : resolve((res as { status: string }).status)),
        ),
      ),
    close: () => client.close(),
  };
}

// TLS gRPC clients of our services for the load generator; it only ever targets this machine.
import * as grpc from '@grpc/grpc-js';
import { callUnary, clientCredentials, type UnaryMethod } from '@shop/platform';
import { checkout, loms } from '@shop/proto';

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Refuses anything but a loopback address: the load generator is not a tool to point at others. */
export function assertLocalTarget(address: string): void {
  const host = address.replace(/:\d+$/, '');
  if (!localHosts.has(host)) throw new Error(`the load generator only targets localhost, not ${address}`);
}

export interface BenchClient<C extends grpc.Client> {
  client: C;
  call<Req, Res>(method: (c: C) => UnaryMethod<Req, Res>, request: Req): Promise<Res>;
  close(): void;
}

function benchClient<C extends grpc.Client>(
  make: (address: string, credentials: grpc.ChannelCredentials) => C,
  address: string,
  caFile: string,
): BenchClient<C> {
  assertLocalTarget(address);
  const client = make(address, clientCredentials({ caFile, plaintext: false }));
  return {
    client,
    call: (method, request) => callUnary(method(client).bind(client), request, { timeoutMs: 10_000 }),
    close: () => client.close(),
  };
}

export const lomsBenchClient = (address: string, caFile: string) =>
  benchClient((a, c) => new loms.LomsServiceClient(a, c), address, caFile);

export const checkoutBenchClient = (address: string, caFile: string) =>
  benchClient((a, c) => new checkout.CheckoutServiceClient(a, c), address, caFile);

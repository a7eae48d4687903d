// TLS gRPC clients of our services for the load generator (LOMS with a client certificate, Checkout with
// shopper tokens); it only ever targets this machine.
import * as grpc from '@grpc/grpc-js';
import { callUnary, clientCredentials, clientTarget, roundRobinLoadBalancing, type UnaryMethod } from '@shop/platform';
import path from 'node:path';
import { checkout, loms } from '@shop/proto';
import { certsDir, lomsCredentials } from '@shop/devstack';

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Refuses anything but a loopback address: the load generator is not a tool to point at others. */
export function assertLocalTarget(address: string): void {
  const host = address.replace(/:\d+$/, '');
  if (!localHosts.has(host)) throw new Error(`the load generator only targets localhost, not ${address}`);
}

export interface BenchClient<C extends grpc.Client> {
  client: C;
  call<Req, Res>(method: (c: C) => UnaryMethod<Req, Res>, request: Req, metadata?: grpc.Metadata): Promise<Res>;
  close(): void;
}

/** `addresses`: one `host:port`, or several as Checkout's LOMS_ADDR takes them (`127.0.0.1:port,127.0.0.1:port`). */
function benchClient<C extends grpc.Client>(
  make: (target: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => C,
  addresses: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions = {},
): BenchClient<C> {
  for (const address of addresses.split(',')) assertLocalTarget(address.trim());
  const client = make(clientTarget(addresses), credentials, options);
  return {
    client,
    call: (method, request, metadata) => callUnary(method(client).bind(client), request, { timeoutMs: 10_000, metadata }),
    close: () => client.close(),
  };
}

export type LomsBenchClient = BenchClient<loms.LomsServiceClient>;

/** As LOMS' `admin` identity, which may call every method the scenarios need. */
export const lomsBenchClient = (address: string): LomsBenchClient =>
  benchClient((a, c) => new loms.LomsServiceClient(a, c), address, lomsCredentials('admin'));

/** One channel over LOMS replicas, made into a target and balanced round robin by the platform code Checkout uses. */
export const lomsReplicasBenchClient = (addresses: string): LomsBenchClient =>
  benchClient((a, c, o) => new loms.LomsServiceClient(a, c, o), addresses, lomsCredentials('admin'), {
    'grpc.service_config': JSON.stringify({ loadBalancingConfig: roundRobinLoadBalancing }),
    // An ipv4: target of several addresses has no host name to check LOMS' certificate against.
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.default_authority': 'localhost',
  });

export type CheckoutBenchClient = BenchClient<checkout.CheckoutServiceClient>;

/** TLS only: each operation sends its own shopper's token (`bearer(await devToken(...))`). */
export const checkoutBenchClient = (address: string): CheckoutBenchClient =>
  benchClient((a, c) => new checkout.CheckoutServiceClient(a, c), address, clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') }));

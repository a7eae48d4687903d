// LOMS over mutual TLS (Checkout's own client certificate): a deadline on every call (LOMS_TIMEOUT, cut to what
// is left of our caller's deadline, and cancelled with our caller), grpc-js retries of UNAVAILABLE on the calls
// safe to repeat (CreateOrder is, thanks to its idempotency key); LOMS' refusals become domain errors.
import * as grpc from '@grpc/grpc-js';
import { callOptionsWithin, clientCredentials } from '@shop/platform';
import { loms } from '@shop/proto';
import type { Loms } from '../app/ports';
import type { CartItem } from '../domain/cart';
import { dependencyError, reconnectOptions, retryServiceConfig } from './dependencyError';
import { createOrderError } from './lomsErrors';

export interface LomsClientOptions {
  /** A grpc-js target: calls go round robin over every address it resolves to. */
  address: string;
  /** The name LOMS' certificate is checked against, when not the target's host (replicas named by IP). */
  tlsServerName?: string | undefined;
  caFile: string;
  /** Checkout's client certificate: LOMS knows its callers by the certificate's CN. */
  certFile: string;
  keyFile: string;
  timeoutMs: number;
  interceptors?: grpc.Interceptor[];
}

export interface LomsClient extends Loms {
  close(): void;
}

export function createLomsClient(options: LomsClientOptions): LomsClient {
  const client = new loms.LomsServiceClient(
    options.address,
    clientCredentials({ caFile: options.caFile, certFile: options.certFile, keyFile: options.keyFile }),
    {
      ...reconnectOptions,
      ...(options.tlsServerName === undefined
        ? {}
        : { 'grpc.ssl_target_name_override': options.tlsServerName, 'grpc.default_authority': options.tlsServerName }),
      interceptors: options.interceptors ?? [],
      'grpc.service_config': retryServiceConfig('loms.v1.LomsService', ['Stocks', 'GetOrder', 'CreateOrder'], {
        maxAttempts: 4,
        initialBackoffMs: 100,
        maxBackoffMs: 1_000,
        retryableStatusCodes: ['UNAVAILABLE'],
      }),
    },
  );
  const callOptions = (): Partial<grpc.CallOptions> => callOptionsWithin(options.timeoutMs);

  return {
    async availableStock(sku) {
      const response = await new Promise<loms.StocksResponse>((resolve, reject) =>
        client.stocks({ sku }, new grpc.Metadata(), callOptions(), (err, res) =>
          err ? reject(dependencyError('loms', err)) : resolve(res),
        ),
      );
      return response.available;
    },

    async createOrder(order: { userId: number; items: CartItem[]; idempotencyKey: string }) {
      const response = await new Promise<loms.CreateOrderResponse>((resolve, reject) =>
        client.createOrder(order, new grpc.Metadata(), callOptions(), (err, res) => (err ? reject(createOrderError(err)) : resolve(res))),
      );
      return { orderId: response.orderId };
    },

    close: () => client.close(),
  };
}

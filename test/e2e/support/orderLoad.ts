// Concurrent shoppers against LOMS that ride out a LOMS restart: calls are retried (with the same idempotency key) until answered.
import * as grpc from '@grpc/grpc-js';
import type { loms } from '@shop/proto';
import type { Caller } from './grpcClients';

/**
 * What a client sees while LOMS is down or restarting: no connection, or no answer in time (the call may
 * have been done, so it is repeated with the same idempotency key). Anything else is an answer; INTERNAL
 * and UNKNOWN in particular are bugs, never part of a restart.
 */
const retriable = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

export async function untilAnswered<T>(
  call: () => Promise<T>,
  giveUpAfterMs = 60_000,
): Promise<{ value?: T; error?: grpc.ServiceError; retries: number }> {
  const until = Date.now() + giveUpAfterMs;
  for (let retries = 0; ; retries += 1) {
    try {
      return { value: await call(), retries };
    } catch (err) {
      const error = err as grpc.ServiceError;
      if (!retriable.has(error.code) || Date.now() > until) return { error, retries };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface LoadResult {
  created: number;
  failed: number;
  payed: number;
  cancelled: number;
  /** Calls that had to be repeated because LOMS did not answer. */
  retries: number;
  /** Answers other than the expected ones (should stay empty). */
  unexpected: string[];
}

/**
 * `shoppers` loops share `orders` orders between them. Every fifth order is cancelled, every fifth left unpaid,
 * the rest paid. SKUs 1..4; `onOrder` is called after each finished order.
 */
export async function runOrderLoad(
  client: Caller<loms.LomsServiceClient>,
  options: {
    shoppers: number;
    orders: number;
    userIdBase: number;
    keyPrefix: string;
    onOrder?: () => void;
    /** Every acknowledged answer: the order created (AWAITING_PAYMENT), paid or cancelled. */
    onAnswer?: (orderId: number, status: 'AWAITING_PAYMENT' | 'PAYED' | 'CANCELLED') => void;
  },
): Promise<LoadResult> {
  const result: LoadResult = {
    created: 0,
    failed: 0,
    payed: 0,
    cancelled: 0,
    retries: 0,
    unexpected: [],
  };
  let next = 0;
  const shopper = async (n: number) => {
    for (let i = next++; i < options.orders; i = next++) {
      const items = [{ sku: 1 + (i % 4), count: 1 + (i % 3) }, ...(i % 2 ? [{ sku: 1 + ((i + 1) % 4), count: 1 }] : [])];
      const request = {
        userId: options.userIdBase + n,
        items,
        idempotencyKey: `${options.keyPrefix}-${i}`,
      };
      const created = await untilAnswered(() => client.call((c) => c.createOrder, request, 3_000));
      result.retries += created.retries;
      if (created.error?.code === grpc.status.FAILED_PRECONDITION) result.failed += 1;
      else if (created.error) result.unexpected.push(`create ${i}: ${created.error.message}`);
      else if (created.value) {
        result.created += 1;
        const orderId = created.value.orderId;
        options.onAnswer?.(orderId, 'AWAITING_PAYMENT');
        const action = i % 5 === 0 ? 'cancel' : i % 5 === 1 ? 'keep' : 'pay';
        if (action !== 'keep') {
          const done = await untilAnswered(() =>
            action === 'pay' ? client.call((c) => c.orderPayed, { orderId }, 3_000) : client.call((c) => c.cancelOrder, { orderId }, 3_000),
          );
          result.retries += done.retries;
          if (done.error) result.unexpected.push(`${action} ${orderId}: ${done.error.message}`);
          else if (action === 'pay') {
            result.payed += 1;
            options.onAnswer?.(orderId, 'PAYED');
          } else {
            result.cancelled += 1;
            options.onAnswer?.(orderId, 'CANCELLED');
          }
        }
      }
      options.onOrder?.();
    }
  };
  await Promise.all(Array.from({ length: options.shoppers }, (_, n) => shopper(n)));
  return result;
}

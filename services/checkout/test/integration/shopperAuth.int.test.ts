// Who may call Checkout (api.md, "Security: who may call what"): every CheckoutService method with every
// kind of bearer token, the order of the checks (token, then input bounds, then user), and health and
// reflection without a token. One stack for the whole file. The credential cases and the tests every method
// gets are in packages/testkit/src/shopperAuthMatrix.ts; what is Checkout's own is here.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout } from '@shop/proto';
import { devToken } from '@shop/devstack';
import { shopperAuth } from '@shop/testkit';
import { startCheckoutStack } from './checkoutStack';

const {
  callWithAuthorization,
  describeHealthAndReflectionWithoutToken,
  describeEveryCredential,
  describeOutcome,
  describeTokenThenBounds,
  expectInvalidArgumentNaming,
  otherUser,
  refusedCredentials,
  tlsOnly,
  user,
} = shopperAuth;
type Outcome = shopperAuth.Outcome;

const service = checkout.CheckoutServiceService;
type Method = keyof typeof service;

let idempotencyKeys = 0;

/** A valid request of each method for `userId`; a new method of the service does not compile until it is here. */
const validRequest: Record<Method, (userId: number) => unknown> = {
  addToCart: (userId) => checkout.AddToCartRequest.fromPartial({ userId, sku: 1001, count: 1 }),
  deleteFromCart: (userId) => checkout.DeleteFromCartRequest.fromPartial({ userId, sku: 1001, count: 1 }),
  listCart: (userId) => checkout.ListCartRequest.fromPartial({ userId }),
  clearCart: (userId) => checkout.ClearCartRequest.fromPartial({ userId }),
  purchase: (userId) => checkout.PurchaseRequest.fromPartial({ userId, idempotencyKey: `shopper-auth-${++idempotencyKeys}` }),
};
const methods = Object.keys(service) as Method[];

/** What a call may still end with once it is allowed: Purchase of an emptied cart is EMPTY_CART. */
const businessOutcomes: Record<Method, grpc.status[]> = {
  addToCart: [grpc.status.OK],
  deleteFromCart: [grpc.status.OK],
  listCart: [grpc.status.OK],
  clearCart: [grpc.status.OK],
  purchase: [grpc.status.OK, grpc.status.FAILED_PRECONDITION],
};

let client: grpc.Client;
let grpcPort: number;
const stops: Array<() => unknown> = [];

const call = (method: Method, request: unknown, authorization: string | undefined): Promise<Outcome> =>
  callWithAuthorization(client, service[method], request, authorization);
const serviceUnderTest = { name: 'CheckoutService', definitions: service, validRequest, businessOutcomes, client: () => client };

beforeAll(async () => {
  const stack = await startCheckoutStack();
  stops.push(() => stack.stop());
  grpcPort = stack.grpcPort;
  client = new grpc.Client(`localhost:${grpcPort}`, tlsOnly());
  stops.push(() => client.close());
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

it('iterates over the methods of checkout.v1.CheckoutService', () => {
  expect(methods).toEqual(expect.arrayContaining(['addToCart', 'deleteFromCart', 'listCart', 'clearCart', 'purchase']));
});

describeEveryCredential(serviceUnderTest);

describe('the order of the checks: token, then input bounds, then user', () => {
  describeTokenThenBounds(serviceUnderTest);

  const outOfBounds = [
    { method: 'addToCart', request: checkout.AddToCartRequest.fromPartial({ userId: user, sku: 0, count: 1 }), field: 'sku' },
    { method: 'addToCart', request: checkout.AddToCartRequest.fromPartial({ userId: user, sku: 1001, count: 10_001 }), field: 'count' },
    { method: 'deleteFromCart', request: checkout.DeleteFromCartRequest.fromPartial({ userId: user, sku: 0, count: 1 }), field: 'sku' },
    {
      method: 'purchase',
      request: checkout.PurchaseRequest.fromPartial({ userId: user, idempotencyKey: 'k'.repeat(129) }),
      field: 'idempotency_key',
    },
  ] as const;
  for (const { method, request, field } of outOfBounds) {
    it(`${method} for user ${user} with ${field} out of bounds and user ${otherUser}'s token → INVALID_ARGUMENT naming ${field}`, async () => {
      expectInvalidArgumentNaming(await call(method, request, `Bearer ${await devToken({ userId: otherUser })}`), field);
    });
  }
});

describe('refused calls change nothing', () => {
  it(`leaves user ${user}'s cart as it was after every refused credential tried to change it`, async () => {
    const own = `Bearer ${await devToken({ userId: user })}`;
    expect((await call('clearCart', validRequest.clearCart(user), own)).code).toBe(grpc.status.OK);
    expect((await call('addToCart', validRequest.addToCart(user), own)).code).toBe(grpc.status.OK);
    for (const credential of refusedCredentials) {
      for (const method of ['addToCart', 'deleteFromCart', 'clearCart', 'purchase'] as const) {
        const outcome = await call(method, validRequest[method](user), await credential.authorization());
        expect(outcome.code, `${method} with ${credential.name}: ${describeOutcome(outcome)}`).not.toBe(grpc.status.OK);
      }
    }
    const listed = await call('listCart', validRequest.listCart(user), own);
    expect(listed.response).toMatchObject({ items: [{ sku: 1001, count: 1 }] });
  });
});

describeHealthAndReflectionWithoutToken('checkout.v1.CheckoutService', () => grpcPort);

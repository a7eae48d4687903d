// Starts the real services for Checkout's integration tests: ProductService, LOMS (seeded) and Checkout,
// each over TLS on port 0 with fresh databases, plus promise-returning generated clients.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { checkout, loms } from '@shop/proto';
import { lomsCredentials, repoRoot, shopperCredentials } from '@shop/devstack';
import { freshDatabase, startInProcess } from '@shop/testkit';
import { loadLomsConfig } from '../../../loms/src/config';
import { startLoms, type LomsHandle } from '../../../loms/src/startLoms';
import { seededLomsDatabase } from '../../../loms/test/integration/lomsTestServer';
import { loadProductsConfig } from '../../../products/src/config';
import { startProducts, type ProductsHandle } from '../../../products/src/startProducts';
import { loadCheckoutConfig } from '../../src/config';
import { startCheckout, type CheckoutHandle } from '../../src/startCheckout';

export const root = repoRoot();
const quickStop = { SHUTDOWN_GRACE: '200ms' };

export function startTestProducts(env: Record<string, string> = {}): Promise<ProductsHandle> {
  return startInProcess(
    { name: 'products', loadConfig: loadProductsConfig, start: startProducts },
    { ...quickStop, CATALOGUE_FILE: path.join(root, 'data/catalogue.json'), ...env },
  );
}

export interface TestLoms {
  databaseUrl: string;
  handle: LomsHandle;
  port: number;
  /** Starts LOMS again on the same port and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestLoms(): Promise<TestLoms> {
  const databaseUrl = await seededLomsDatabase();
  const start = (port: number) =>
    startInProcess(
      { name: 'loms', loadConfig: loadLomsConfig, start: startLoms },
      { ...quickStop, GRPC_PORT: String(port), LOMS_DATABASE_URL: databaseUrl, CANCELLER_ENABLED: 'false' },
    );
  let handle = await start(0);
  let running = true;
  const testLoms: TestLoms = {
    databaseUrl,
    handle,
    port: handle.grpcPort,
    restart: async () => {
      handle = await start(testLoms.port);
      testLoms.handle = handle;
      running = true;
    },
    stop: async () => {
      if (running) await handle.stop();
      running = false;
    },
  };
  return testLoms;
}

export async function startTestCheckout(
  env: Record<string, string>,
): Promise<{ handle: CheckoutHandle; databaseUrl: string; client: CheckoutClient }> {
  const databaseUrl = await freshDatabase('checkout');
  const handle = await startInProcess(
    { name: 'checkout', loadConfig: loadCheckoutConfig, start: startCheckout },
    { ...quickStop, CHECKOUT_DATABASE_URL: databaseUrl, ...env },
  );
  return { handle, databaseUrl, client: checkoutClient(`localhost:${handle.grpcPort}`) };
}

type Unary<Req, Res> = (req: Req, timeoutMs?: number) => Promise<Res>;

function promisify<Req, Res>(
  method: (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
): Unary<Req, Res> {
  return (req, timeoutMs = 10_000) =>
    new Promise((resolve, reject) =>
      method(req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res))),
    );
}

export interface CheckoutClient {
  addToCart: Unary<checkout.AddToCartRequest, checkout.AddToCartResponse>;
  deleteFromCart: Unary<checkout.DeleteFromCartRequest, checkout.DeleteFromCartResponse>;
  listCart: Unary<checkout.ListCartRequest, checkout.ListCartResponse>;
  clearCart: Unary<checkout.ClearCartRequest, checkout.ClearCartResponse>;
  purchase: Unary<checkout.PurchaseRequest, checkout.PurchaseResponse>;
  close(): void;
}

/** A Checkout client whose calls carry an admin shopper token (acts for any user). */
export function checkoutClient(address: string): CheckoutClient {
  const c = new checkout.CheckoutServiceClient(address, shopperCredentials());
  return {
    addToCart: promisify(c.addToCart.bind(c)),
    deleteFromCart: promisify(c.deleteFromCart.bind(c)),
    listCart: promisify(c.listCart.bind(c)),
    clearCart: promisify(c.clearCart.bind(c)),
    purchase: promisify(c.purchase.bind(c)),
    close: () => c.close(),
  };
}

export interface LomsTestClient {
  getOrder: Unary<loms.GetOrderRequest, loms.GetOrderResponse>;
  listOrders: Unary<loms.ListOrdersRequest, loms.ListOrdersResponse>;
  close(): void;
}

/** A LOMS client with the `admin` client certificate. */
export function lomsClient(address: string): LomsTestClient {
  const c = new loms.LomsServiceClient(address, lomsCredentials());
  return { getOrder: promisify(c.getOrder.bind(c)), listOrders: promisify(c.listOrders.bind(c)), close: () => c.close() };
}

/** The status code a call ended with (OK when it succeeded). */
export const codeOf = (promise: Promise<unknown>): Promise<grpc.status> =>
  promise.then(
    () => grpc.status.OK,
    (err: grpc.ServiceError) => err.code,
  );

export const errorOf = (promise: Promise<unknown>): Promise<grpc.ServiceError> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: grpc.ServiceError) => err,
  );

export interface CheckoutStack {
  /** A Checkout client with an admin shopper token. */
  client: CheckoutClient;
  grpcPort: number;
  loms: TestLoms;
  /** Stops Checkout, LOMS and ProductService, in that order. */
  stop(): Promise<void>;
}

/** ProductService (no rate limit), a seeded LOMS and Checkout wired to both; `env` adds to Checkout's settings. */
export async function startCheckoutStack(env: Record<string, string> = {}): Promise<CheckoutStack> {
  const products = await startTestProducts({ PRODUCTS_RATE_LIMIT_RPS: '0' });
  const testLoms = await startTestLoms();
  const started = await startTestCheckout({
    LOMS_ADDR: `localhost:${testLoms.port}`,
    PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
    PRODUCTS_RATE_LIMIT_RPS: '0',
    ...env,
  });
  return {
    client: started.client,
    grpcPort: started.handle.grpcPort,
    loms: testLoms,
    stop: async () => {
      started.client.close();
      await started.handle.stop();
      await testLoms.stop();
      await products.stop();
    },
  };
}

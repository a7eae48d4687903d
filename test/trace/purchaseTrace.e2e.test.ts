// One Purchase makes one trace across Checkout, ProductService, LOMS and, over the Kafka hop, Notifications.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callUnary } from '@shop/platform';
import { type KafkaBroker, type RunningBundle, shopperCredentials, startKafkaBroker } from '@shop/devstack';
import { freshDatabase, spawnService } from '@shop/testkit';
import { checkout } from '@shop/proto';
import { seededLomsDatabase } from '../../services/loms/test/integration/lomsTestServer';
import { startOtlpReceiver, type ReceivedSpan } from './otlpReceiver';

let broker: KafkaBroker;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
const services: RunningBundle[] = [];

beforeAll(async () => {
  broker = await startKafkaBroker();
  receiver = await startOtlpReceiver();
  const lomsUrl = await seededLomsDatabase();
  const tracing = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const kafka = { KAFKA_BROKERS: broker.brokers.join(','), KAFKA_SESSION_TIMEOUT: '3s' };
  const [products, loms] = await Promise.all([
    spawnService({ name: 'products', env: { ...tracing, PRODUCTS_RATE_LIMIT_RPS: '0' } }),
    spawnService({ name: 'loms', env: { ...tracing, ...kafka, LOMS_DATABASE_URL: lomsUrl, OUTBOX_POLL_INTERVAL: '20ms' } }),
  ]);
  services.push(products, loms);
  services.push(
    await spawnService({
      name: 'checkout',
      env: {
        ...tracing,
        CHECKOUT_DATABASE_URL: await freshDatabase('checkout'),
        LOMS_ADDR: `localhost:${loms.grpcPort}`,
        PRODUCTS_ADDR: `localhost:${products.grpcPort}`,
      },
    }),
    await spawnService({
      name: 'notifications',
      env: { ...tracing, ...kafka, NOTIFICATIONS_DATABASE_URL: await freshDatabase('notifications') },
    }),
  );
}, 90_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await broker?.stop();
  await receiver?.stop();
});

describe('tracing', () => {
  it('gives one Purchase one trace across all four services, through the Kafka hop', async () => {
    const checkoutService = services.find((s) => s.name === 'checkout')!;
    const client = new checkout.CheckoutServiceClient(`localhost:${checkoutService.grpcPort}`, shopperCredentials({ userId: 42 }));
    try {
      await callUnary(client.addToCart.bind(client), { userId: 42, sku: 1001, count: 1 }, { timeoutMs: 10_000 });
      await callUnary(client.listCart.bind(client), { userId: 42 }, { timeoutMs: 10_000 });
      const before = receiver.spans.length;
      await callUnary(client.purchase.bind(client), { userId: 42, idempotencyKey: 'trace-1' }, { timeoutMs: 10_000 });
      const purchaseSpan = () =>
        receiver.spans.slice(before).find((s) => s.service === 'checkout' && s.name === 'grpc.checkout.v1.CheckoutService/Purchase');
      const traceOf = (): ReceivedSpan[] => receiver.spans.filter((s) => s.traceId === purchaseSpan()?.traceId);
      const deadline = Date.now() + 30_000;
      while (!traceOf().some((s) => s.service === 'notifications') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

      const spans = traceOf();
      expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['checkout', 'loms', 'notifications']));
      const names = spans.map((s) => `${s.service}: ${s.name}`);
      expect(names).toEqual(
        expect.arrayContaining([
          'checkout: grpc.loms.v1.LomsService/CreateOrder',
          'loms: grpc.loms.v1.LomsService/CreateOrder',
          'loms: send loms.order-status',
          'notifications: process loms.order-status',
        ]),
      );
      expect(names.some((n) => n.startsWith('loms: pg.query'))).toBe(true);
      // Who called is on each server span: Checkout's certificate at LOMS, the shopper's token at Checkout.
      const serverSpan = (service: string, name: string) => spans.find((s) => s.service === service && s.name === name && s.kind === 2);
      expect(serverSpan('loms', 'grpc.loms.v1.LomsService/CreateOrder')?.attributes['shop.caller']).toBe('checkout');
      expect(serverSpan('checkout', 'grpc.checkout.v1.CheckoutService/Purchase')?.attributes).toMatchObject({
        'shop.caller': 'shopper',
        'enduser.id': '42',
      });
      // Named statements are named after the statement: the notification's INSERT.
      expect(names.some((n) => n.startsWith('notifications: pg.query:notifications_insert'))).toBe(true);
      // Every span but the root has its parent inside the same trace: nothing was cut off.
      const ids = new Set(spans.map((s) => s.spanId));
      expect(spans.filter((s) => s.parentSpanId !== '' && !ids.has(s.parentSpanId)).map((s) => s.name)).toEqual([]);

      // AddToCart makes the ProductService hop (its product lookup fills the cache ListCart then uses)
      // and asks LOMS for stock, all in its own single trace.
      const addToCart = receiver.spans.find((s) => s.service === 'checkout' && s.name === 'grpc.checkout.v1.CheckoutService/AddToCart');
      const addToCartTrace = receiver.spans.filter((s) => s.traceId === addToCart?.traceId);
      expect(new Set(addToCartTrace.map((s) => s.service))).toEqual(new Set(['checkout', 'products', 'loms']));
    } finally {
      client.close();
    }
  }, 60_000);
});

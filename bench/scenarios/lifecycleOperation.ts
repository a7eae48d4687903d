// One lifecycle operation: CreateOrder, then OrderPayed (even seq) or CancelOrder (odd): two status events.
import type { BenchClient } from '../loadgen/benchClients';
import type { loms } from '@shop/proto';
import { skuRanges } from '../sql/ceilingScripts';
import { randomOrderItems, uniqueUser } from './scenarioKit';

export function lifecycleOperation(client: BenchClient<loms.LomsServiceClient>, userOffset = 0) {
  return async (_: number, seq: number): Promise<void> => {
    const { orderId } = await client.call((c) => c.createOrder, {
      userId: uniqueUser(userOffset + seq),
      items: randomOrderItems(skuRanges),
      idempotencyKey: '',
    });
    if (seq % 2 === 0) await client.call((c) => c.orderPayed, { orderId });
    else await client.call((c) => c.cancelOrder, { orderId });
  };
}

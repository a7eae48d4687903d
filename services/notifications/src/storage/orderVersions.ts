// SQL for order_versions: the highest event version recorded per order, and the row lock that serialises an order's events.
import type { Queryable } from '@shop/platform';
import type { OrderVersionsStore } from '../app/notificationsStore';
import { refusingValues } from './databaseRefusal';

export async function latestForUpdate(tx: Queryable, orderId: number): Promise<number> {
  // The no-op update takes the row lock, for an order seen before or not, in one round trip.
  const result = await refusingValues(() =>
    tx.query<{ latest_version: string }>({
      name: 'order_versions_latest_for_update',
      text: `INSERT INTO order_versions (order_id, latest_version) VALUES ($1, 0)
             ON CONFLICT (order_id) DO UPDATE SET latest_version = order_versions.latest_version
             RETURNING latest_version`,
      values: [orderId],
    }),
  );
  return Number(result.rows[0]?.latest_version ?? 0);
}

export async function setLatest(tx: Queryable, orderId: number, version: number): Promise<void> {
  await refusingValues(() =>
    tx.query({
      name: 'order_versions_set_latest',
      text: 'UPDATE order_versions SET latest_version = $2 WHERE order_id = $1',
      values: [orderId, version],
    }),
  );
}

export const orderVersionsStore: OrderVersionsStore = { latestForUpdate, setLatest };

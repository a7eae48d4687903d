// CreateOrder for a batch of orders: one call of create_orders (migrations/loms/1796400000000_create-orders-function.sql
// says what it does), one round trip, one transaction, one commit, whatever the batch's size.
import type { Pool } from 'pg';
import type { CreateOrderOutcome, NewOrder } from '../app/ports';
import type { AllocationStrategy } from '../domain/allocation';
import type { StockShortage } from '../domain/order';

const createOrdersStatement = `
SELECT batch_ordinal, order_id, order_status, order_shortages, order_created_at, order_payment_deadline
FROM create_orders($1::bigint[], $2::text[], $3::jsonb[], $4::uuid[], $5::text[], $6::double precision, $7::text)`;

interface CreatedRow {
  batch_ordinal: number;
  order_id: string;
  order_status: string;
  order_shortages: StockShortage[] | null;
  order_created_at: Date;
  order_payment_deadline: Date;
}

/** A key another transaction took between the batch's check and its insert; a deadlock or serialization failure. */
const retriedCodes = new Set(['23505', '40P01', '40001']);
const attempts = 3;

export function orderBatchWriter(pool: Pool, strategy: AllocationStrategy): (orders: NewOrder[]) => Promise<CreateOrderOutcome[]> {
  const createOnce = async (orders: NewOrder[]): Promise<CreateOrderOutcome[]> => {
    const { rows } = await pool.query<CreatedRow>({
      name: 'loms_create_orders',
      text: createOrdersStatement,
      values: [
        orders.map((o) => o.userId),
        orders.map((o) => o.idempotencyKey ?? null),
        orders.map((o) => JSON.stringify(o.items)),
        orders.map((o) => o.event.eventId),
        orders.map((o) => o.event.traceparent ?? null),
        // One timeout for the whole batch: LOMS has one.
        orders[0]?.paymentTimeoutMs,
        strategy,
      ],
    });
    const byOrdinal = new Map(rows.map((row) => [row.batch_ordinal, row]));
    return orders.map((_, i) => toOutcome(byOrdinal.get(i + 1)));
  };

  return async (orders) => {
    if (orders.some((o) => o.paymentTimeoutMs !== orders[0]?.paymentTimeoutMs)) throw new Error('one batch has one payment timeout');
    for (let attempt = 1; ; attempt++) {
      try {
        return await createOnce(orders);
      } catch (err) {
        if (attempt >= attempts || !retriedCodes.has((err as { code?: string }).code ?? '')) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
    }
  };
}

function toOutcome(row: CreatedRow | undefined): CreateOrderOutcome {
  if (!row) return { kind: 'keyTaken' };
  const orderId = Number(row.order_id);
  return row.order_status === 'FAILED'
    ? { kind: 'failed', orderId, shortages: row.order_shortages ?? [] }
    : {
        kind: 'created',
        orderId,
        status: 'AWAITING_PAYMENT',
        createdAt: row.order_created_at,
        paymentDeadline: row.order_payment_deadline,
      };
}

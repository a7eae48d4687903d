// After a run: no oversell, reserved units equal the reservations of orders still awaiting payment, and every
// row is explained by its movement ledger.
import { Client } from 'pg';
import { consistencyStatement } from '../../services/loms/src/storage/consistencyStatement';

export interface StockCheck {
  /** Stock rows with reserved > total or reserved < 0 (the CHECK constraints should make this 0). */
  oversoldRows: number;
  /** Stock rows whose reserved differs from the sum of reservations of AWAITING_PAYMENT orders. */
  unbalancedRows: number;
  /** Stock rows whose total or reserved their movements do not explain (CheckStockConsistency's drifts). */
  driftRows: number;
  ok: boolean;
}

export async function checkStock(lomsUrl: string, sku?: number): Promise<StockCheck> {
  const client = new Client({ connectionString: lomsUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ oversold: string; unbalanced: string }>(
      `WITH held AS (
         SELECT r.sku, r.warehouse_id, sum(r.count) AS units
         FROM reservations r JOIN orders o ON o.id = r.order_id AND o.status = 'AWAITING_PAYMENT'
         GROUP BY r.sku, r.warehouse_id
       )
       SELECT count(*) FILTER (WHERE s.reserved > s.total OR s.reserved < 0) AS oversold,
              count(*) FILTER (WHERE s.reserved <> COALESCE(h.units, 0)) AS unbalanced
       FROM stocks s LEFT JOIN held h ON h.sku = s.sku AND h.warehouse_id = s.warehouse_id
       WHERE $1::bigint IS NULL OR s.sku = $1`,
      [sku ?? null],
    );
    const oversoldRows = Number(rows[0]?.oversold ?? 0);
    const unbalancedRows = Number(rows[0]?.unbalanced ?? 0);
    const ledger = await client.query<{ drifts_total: string }>(consistencyStatement, [sku === undefined ? null : [sku], 0]);
    const driftRows = Number(ledger.rows[0]?.drifts_total ?? 0);
    return { oversoldRows, unbalancedRows, driftRows, ok: oversoldRows === 0 && unbalancedRows === 0 && driftRows === 0 };
  } finally {
    await client.end();
  }
}

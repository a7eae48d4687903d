// The stocks and reservations tables. Stock rows are always locked in (sku, warehouse) order, the
// same order CreateOrder uses, so concurrent changes cannot deadlock.
import type { Pool } from 'pg';
import type { Queryable } from '@shop/platform';
import type { StockRepository, Tx } from '../app/ports';

const lockReservedStock = {
  name: 'loms_lock_reserved_stock',
  text: `SELECT 1 FROM stocks s
         WHERE (s.sku, s.warehouse_id) IN (SELECT sku, warehouse_id FROM reservations WHERE order_id = ANY ($1::bigint[]))
         ORDER BY s.sku, s.warehouse_id FOR UPDATE`,
};

export function stockRepository(pool: Pool): StockRepository {
  const changeReserved = async (tx: Tx, orderIds: number[], name: string, totalChange: string) => {
    const q = tx as Queryable;
    await q.query({ ...lockReservedStock, values: [orderIds] });
    await q.query({
      name,
      text: `WITH released AS (
               DELETE FROM reservations WHERE order_id = ANY ($1::bigint[]) RETURNING sku, warehouse_id, count
             ), per_row AS (
               SELECT sku, warehouse_id, SUM(count) AS count FROM released GROUP BY sku, warehouse_id
             )
             UPDATE stocks s SET reserved = s.reserved - p.count${totalChange}
             FROM per_row p WHERE s.sku = p.sku AND s.warehouse_id = p.warehouse_id`,
      values: [orderIds],
    });
  };

  return {
    writeOffReservations: (tx, orderIds) => changeReserved(tx, orderIds, 'loms_write_off_reservations', ', total = s.total - p.count'),
    releaseReservations: (tx, orderIds) => changeReserved(tx, orderIds, 'loms_release_reservations', ''),
    async getBySku(sku) {
      const { rows } = await pool.query<{ warehouse_id: string; total: string; reserved: string }>({
        name: 'loms_stocks_of_sku',
        text: 'SELECT warehouse_id, total, reserved FROM stocks WHERE sku = $1 ORDER BY warehouse_id',
        values: [sku],
      });
      return rows.map((r) => ({ warehouseId: Number(r.warehouse_id), total: Number(r.total), reserved: Number(r.reserved) }));
    },
  };
}

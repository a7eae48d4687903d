// Reads of the stocks table (every change of stock goes through stockChangeSql.ts).
import type { Pool } from 'pg';
import type { StockRepository } from '../app/ports';
import { stockLevel } from '../domain/inventory';

export function stockRepository(pool: Pool): StockRepository {
  return {
    async getBySku(sku) {
      const { rows } = await pool.query<{ warehouse_id: string; total: string; reserved: string; active: boolean }>({
        name: 'loms_stocks_of_sku',
        text: 'SELECT warehouse_id, total, reserved, warehouse_active AS active FROM stocks WHERE sku = $1 ORDER BY warehouse_id',
        values: [sku],
      });
      return rows.map((r) =>
        stockLevel({ sku, warehouseId: Number(r.warehouse_id), total: Number(r.total), reserved: Number(r.reserved), active: r.active }),
      );
    },
  };
}

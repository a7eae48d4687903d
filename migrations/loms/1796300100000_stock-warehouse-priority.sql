-- Up Migration
-- A copy of warehouses.priority on each stock row, like warehouse_active: CreateOrder reads both from the rows it
-- locks (no join on the hot path), and UpsertWarehouse rewrites them under those rows' locks.
ALTER TABLE stocks ADD COLUMN warehouse_priority integer NOT NULL DEFAULT 0;
UPDATE stocks s SET warehouse_priority = w.priority FROM warehouses w WHERE w.id = s.warehouse_id AND w.priority <> 0;

-- Down Migration
ALTER TABLE stocks DROP COLUMN warehouse_priority;

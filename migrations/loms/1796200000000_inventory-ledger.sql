-- Up Migration
-- Inventory (docs/api.md, "Inventory"): warehouses with a priority and an active flag, the movement ledger,
-- idempotent inventory requests, and stock level events in the outbox.

ALTER TABLE warehouses
  ADD COLUMN priority integer NOT NULL DEFAULT 0,
  ADD COLUMN active boolean NOT NULL DEFAULT true;

-- A copy of warehouses.active on each stock row: an order locks its stock rows, so a deactivation that
-- rewrites them is seen by every order that reserves after it.
ALTER TABLE stocks ADD COLUMN warehouse_active boolean NOT NULL DEFAULT true;

-- Every change of a stock row's total or reserved, written in the transaction of the change; for every row
-- total = sum(total_delta) and reserved = sum(reserved_delta).
CREATE TABLE stock_movements (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku            bigint      NOT NULL,
  warehouse_id   bigint      NOT NULL,
  kind           text        NOT NULL CHECK (kind IN ('RECEIPT', 'ADJUSTMENT', 'RESERVATION', 'RELEASE', 'WRITE_OFF')),
  total_delta    bigint      NOT NULL,
  reserved_delta bigint      NOT NULL,
  order_id       bigint,
  reason         text        NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_of_sku_newest_first ON stock_movements (sku, id DESC);

-- The stock already there is its opening balance, and what orders hold now their reservations.
INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, reason)
SELECT sku, warehouse_id, 'RECEIPT', total, 0, 'opening balance' FROM stocks ORDER BY sku, warehouse_id;
INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, order_id)
SELECT r.sku, r.warehouse_id, 'RESERVATION', 0, r.count, r.order_id FROM reservations r ORDER BY r.order_id, r.sku, r.warehouse_id;

-- Reservations are written only by the statements that lock their order and stock rows, and the ledger check
-- recomputes them; their foreign keys cost two trigger queries per reserved row on the hot path, and go.
ALTER TABLE reservations DROP CONSTRAINT reservations_order_id_fkey, DROP CONSTRAINT reservations_sku_warehouse_id_fkey;

-- ReceiveStock and AdjustStock by idempotency key: the request as first seen and the answer it got (the key is
-- claimed first, so that concurrent retries wait for the first; response is set in the same transaction).
CREATE TABLE inventory_requests (
  idempotency_key text        PRIMARY KEY,
  request         jsonb       NOT NULL,
  response        jsonb,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- The outbox carries stock level events too: their message is built from payload.
ALTER TABLE outbox
  ADD COLUMN event_type text NOT NULL DEFAULT 'order.status_changed' CHECK (event_type IN ('order.status_changed', 'stock.level_changed')),
  ADD COLUMN payload jsonb,
  ALTER COLUMN order_id DROP NOT NULL,
  ALTER COLUMN user_id DROP NOT NULL,
  ALTER COLUMN status DROP NOT NULL,
  ALTER COLUMN previous_status DROP NOT NULL,
  ALTER COLUMN items DROP NOT NULL,
  ADD CONSTRAINT outbox_event_has_its_fields CHECK (
    (event_type = 'order.status_changed' AND order_id IS NOT NULL AND user_id IS NOT NULL AND status IS NOT NULL
      AND previous_status IS NOT NULL AND items IS NOT NULL)
    OR (event_type = 'stock.level_changed' AND payload IS NOT NULL));

-- Down Migration
DELETE FROM outbox WHERE event_type <> 'order.status_changed';
ALTER TABLE outbox
  DROP CONSTRAINT outbox_event_has_its_fields,
  DROP COLUMN payload,
  DROP COLUMN event_type,
  ALTER COLUMN order_id SET NOT NULL,
  ALTER COLUMN user_id SET NOT NULL,
  ALTER COLUMN status SET NOT NULL,
  ALTER COLUMN previous_status SET NOT NULL,
  ALTER COLUMN items SET NOT NULL;
DROP TABLE inventory_requests;
ALTER TABLE reservations
  ADD CONSTRAINT reservations_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
  ADD CONSTRAINT reservations_sku_warehouse_id_fkey FOREIGN KEY (sku, warehouse_id) REFERENCES stocks (sku, warehouse_id);
DROP TABLE stock_movements;
ALTER TABLE stocks DROP COLUMN warehouse_active;
ALTER TABLE warehouses DROP COLUMN active, DROP COLUMN priority;

-- Up Migration
-- An order's reservations are its RESERVATION movements: CreateOrder writes each (order, sku, warehouse) once,
-- into the ledger, and what an AWAITING_PAYMENT order holds is read back from there. The reservations table
-- held the same rows a second time on the hot path; it becomes a view of the same name and columns.
CREATE INDEX stock_movements_reservations_of_order ON stock_movements (order_id) WHERE kind = 'RESERVATION';
DROP TABLE reservations;
CREATE VIEW reservations AS
  SELECT m.order_id, m.sku, m.warehouse_id, m.reserved_delta AS count
  FROM stock_movements m JOIN orders o ON o.id = m.order_id
  WHERE m.kind = 'RESERVATION' AND o.status = 'AWAITING_PAYMENT';

-- Movements are read per SKU, newest first: one index on (sku, id) serves that and is the key (id alone is
-- an identity, unique by construction), one index write per movement fewer.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_pkey, ADD PRIMARY KEY (sku, id);
DROP INDEX stock_movements_of_sku_newest_first;

-- Down Migration
CREATE INDEX stock_movements_of_sku_newest_first ON stock_movements (sku, id DESC);
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_pkey, ADD PRIMARY KEY (id);
DROP VIEW reservations;
CREATE TABLE reservations (
  order_id     bigint NOT NULL,
  sku          bigint NOT NULL,
  warehouse_id bigint NOT NULL,
  count        bigint NOT NULL CHECK (count > 0),
  PRIMARY KEY (order_id, sku, warehouse_id)
);
INSERT INTO reservations (order_id, sku, warehouse_id, count)
SELECT m.order_id, m.sku, m.warehouse_id, m.reserved_delta
FROM stock_movements m JOIN orders o ON o.id = m.order_id
WHERE m.kind = 'RESERVATION' AND o.status = 'AWAITING_PAYMENT';
DROP INDEX stock_movements_reservations_of_order;

-- Up Migration
CREATE TABLE warehouses (
  id   bigint PRIMARY KEY,
  name text   NOT NULL
);

CREATE TABLE stocks (
  sku          bigint NOT NULL CHECK (sku > 0),
  warehouse_id bigint NOT NULL REFERENCES warehouses (id),
  total        bigint NOT NULL,
  reserved     bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (sku, warehouse_id),
  CONSTRAINT stocks_total_not_negative CHECK (total >= 0),
  CONSTRAINT stocks_reserved_not_negative CHECK (reserved >= 0),
  CONSTRAINT stocks_reserved_within_total CHECK (reserved <= total)
);

CREATE TABLE orders (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id          bigint      NOT NULL CHECK (user_id > 0),
  status           text        NOT NULL CHECK (status IN ('NEW', 'AWAITING_PAYMENT', 'FAILED', 'PAYED', 'CANCELLED')),
  -- merged and sorted by sku: [{"sku": 1, "count": 2}, ...]
  items            jsonb       NOT NULL,
  idempotency_key  text,
  -- why a FAILED order failed, so that a retry with its key answers the same way
  shortages        jsonb,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  payment_deadline timestamptz NOT NULL,
  CONSTRAINT orders_idempotency_key_unique UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_by_user_newest_first ON orders (user_id, id DESC);
CREATE INDEX orders_awaiting_payment_by_deadline ON orders (payment_deadline) WHERE status = 'AWAITING_PAYMENT';
CREATE INDEX orders_new_by_creation ON orders (created_at) WHERE status = 'NEW';

-- What an AWAITING_PAYMENT order holds in each warehouse; removed when it is paid or released.
CREATE TABLE reservations (
  order_id     bigint NOT NULL REFERENCES orders (id),
  sku          bigint NOT NULL,
  warehouse_id bigint NOT NULL,
  count        bigint NOT NULL CHECK (count > 0),
  PRIMARY KEY (order_id, sku, warehouse_id),
  FOREIGN KEY (sku, warehouse_id) REFERENCES stocks (sku, warehouse_id)
);

-- Transactional outbox: one row per status change, written in the transaction of the change.
CREATE TABLE outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id        uuid        NOT NULL UNIQUE,
  order_id        bigint      NOT NULL,
  user_id         bigint      NOT NULL,
  status          text        NOT NULL,
  previous_status text        NOT NULL,
  items           jsonb       NOT NULL,
  occurred_at     timestamptz NOT NULL,
  traceparent     text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz
);
CREATE INDEX outbox_unpublished_in_order ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_by_time ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Down Migration
DROP TABLE outbox;
DROP TABLE reservations;
DROP TABLE orders;
DROP TABLE stocks;
DROP TABLE warehouses;

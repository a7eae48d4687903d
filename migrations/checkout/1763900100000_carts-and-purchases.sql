-- Up Migration
CREATE TABLE cart_items (
  user_id bigint  NOT NULL CHECK (user_id > 0),
  sku     bigint  NOT NULL CHECK (sku > 0),
  count   integer NOT NULL CHECK (count BETWEEN 1 AND 10000),
  PRIMARY KEY (user_id, sku)
);

-- Bumped after each purchase attempt that ended (order made or refused), so a purchase
-- without a key derives a new key for the same contents next time, and the same key on a retry.
CREATE TABLE carts (
  user_id    bigint PRIMARY KEY CHECK (user_id > 0),
  generation bigint NOT NULL DEFAULT 0
);

CREATE TABLE purchases (
  user_id         bigint      NOT NULL,
  idempotency_key text        NOT NULL,
  order_id        bigint      NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, idempotency_key)
);

-- Down Migration
DROP TABLE purchases;
DROP TABLE carts;
DROP TABLE cart_items;

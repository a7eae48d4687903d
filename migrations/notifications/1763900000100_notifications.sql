-- Up Migration
-- One row per order status event, keyed by the event id so that a redelivered event is a no-op.
CREATE TABLE notifications (
  event_id          uuid        PRIMARY KEY,
  -- insertion order: breaks ties between rows recorded in the same millisecond, for paging
  seq               bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id           bigint      NOT NULL CHECK (user_id > 0),
  order_id          bigint      NOT NULL CHECK (order_id > 0),
  status            text        NOT NULL CHECK (status IN ('AWAITING_PAYMENT', 'FAILED', 'PAYED', 'CANCELLED')),
  message           text        NOT NULL,
  occurred_at       timestamptz NOT NULL,
  traceparent       text,
  created_at        timestamptz NOT NULL,
  delivered_at      timestamptz,
  delivery_attempts integer     NOT NULL DEFAULT 0,
  -- when the delivery worker may (re)try; also a lease while an attempt is under way
  next_attempt_at   timestamptz,
  CONSTRAINT notifications_undelivered_are_scheduled CHECK (delivered_at IS NOT NULL OR next_attempt_at IS NOT NULL)
);
CREATE INDEX notifications_by_user_newest_first ON notifications (user_id, created_at DESC, seq DESC);
CREATE INDEX notifications_undelivered_by_due_time ON notifications (next_attempt_at, seq) WHERE delivered_at IS NULL;

-- Down Migration
DROP TABLE notifications;

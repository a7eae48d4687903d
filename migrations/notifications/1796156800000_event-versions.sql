-- Up Migration
-- Each event's per-order version (0: not numbered by the producer). An event older than its order's latest
-- recorded version is kept as superseded, so that it stays a duplicate, but is neither listed nor delivered.
ALTER TABLE notifications
  ADD COLUMN version    bigint  NOT NULL DEFAULT 0 CHECK (version BETWEEN 0 AND 4294967295),
  ADD COLUMN superseded boolean NOT NULL DEFAULT false;
ALTER TABLE notifications DROP CONSTRAINT notifications_undelivered_are_scheduled;
ALTER TABLE notifications
  ADD CONSTRAINT notifications_undelivered_are_scheduled CHECK (superseded OR delivered_at IS NOT NULL OR next_attempt_at IS NOT NULL);
-- A version of an order is recorded once, whatever event id it comes with.
CREATE UNIQUE INDEX notifications_one_per_order_version ON notifications (order_id, version) WHERE version > 0;
-- Delivery goes in order within an order: a row waits while an older one of its order is undelivered.
CREATE INDEX notifications_undelivered_by_order ON notifications (order_id, seq) WHERE delivered_at IS NULL AND NOT superseded;

-- The highest version recorded per order; its row is also the lock that serialises an order's events.
CREATE TABLE order_versions (
  order_id       bigint PRIMARY KEY CHECK (order_id > 0),
  latest_version bigint NOT NULL CHECK (latest_version BETWEEN 0 AND 4294967295)
);

-- Down Migration
DROP TABLE order_versions;
DROP INDEX notifications_undelivered_by_order;
DROP INDEX notifications_one_per_order_version;
ALTER TABLE notifications DROP CONSTRAINT notifications_undelivered_are_scheduled;
DELETE FROM notifications WHERE superseded AND delivered_at IS NULL;
ALTER TABLE notifications
  ADD CONSTRAINT notifications_undelivered_are_scheduled CHECK (delivered_at IS NOT NULL OR next_attempt_at IS NOT NULL);
ALTER TABLE notifications DROP COLUMN superseded, DROP COLUMN version;

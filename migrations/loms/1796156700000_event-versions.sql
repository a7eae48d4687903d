-- Up Migration
-- Per-order event versions (docs/events.md): 1 for an order's first event, +1 for each later one.
-- orders.event_version is the version of the order's latest event (0 before its first); every statement
-- that writes an outbox row moves it on in the same transaction.
ALTER TABLE orders ADD COLUMN event_version integer NOT NULL DEFAULT 0 CHECK (event_version >= 0);
ALTER TABLE outbox ADD COLUMN version integer NOT NULL DEFAULT 0 CHECK (version >= 0);

-- Orders that can still change: AWAITING_PAYMENT has had exactly one event (its creation). NEW has had
-- none. Final orders get no further event, so their count does not matter and is not rewritten.
UPDATE orders SET event_version = 1 WHERE status = 'AWAITING_PAYMENT';

-- Events not yet published go out with the version their place in the life cycle gives them: a change
-- out of NEW is an order's first event, one out of AWAITING_PAYMENT its second.
UPDATE outbox SET version = CASE previous_status WHEN 'NEW' THEN 1 ELSE 2 END WHERE published_at IS NULL;

-- Down Migration
ALTER TABLE outbox DROP COLUMN version;
ALTER TABLE orders DROP COLUMN event_version;

-- Up Migration
-- CreateOrder for a batch of orders, in one call, one transaction and one commit (docs/architecture.md,
-- "Coalescing"). The result is that of running the orders one by one in the batch's order, each all or nothing:
--   1. lock every stock row of the batch's SKUs in (sku, warehouse) order, the order every statement locks in;
--   2. mark the orders whose idempotency key an order holds already, or an earlier order of the batch: they
--      create nothing (the caller replays the order that holds the key);
--   3. decide the others in turn on the locked rows' available units: an order that every SKU can serve takes
--      them as domain/allocation.ts does (the inventory property test holds the two equal) and becomes
--      AWAITING_PAYMENT; any other becomes FAILED with its shortages and takes nothing;
--   4. write everything set-based: the orders, their RESERVATION movements, one update per stock row, and the
--      outbox (docs/events.md): each order's event, then OUT_OF_STOCK for each SKU its reservation emptied,
--      naming the first row it changed there.
-- Returns one row per order created, by its ordinal (1-based) in the batch. A key taken meanwhile by another
-- transaction fails the whole call with a unique violation; the caller runs it again.
CREATE FUNCTION create_orders(
  user_ids bigint[],
  idempotency_keys text[],
  -- Per order: [{"sku": 1, "count": 2}, ...], merged and sorted by sku.
  order_items jsonb[],
  event_ids uuid[],
  traceparents text[],
  payment_timeout_ms double precision,
  strategy text
) RETURNS TABLE (
  batch_ordinal integer,
  order_id bigint,
  order_status text,
  order_shortages jsonb,
  order_created_at timestamptz,
  order_payment_deadline timestamptz
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  order_count constant integer := cardinality(user_ids);
  -- The batch's items, by order then SKU.
  item_ordinal integer[];
  item_sku bigint[];
  item_count bigint[];
  item_total integer;
  -- The batch's SKUs, sorted; a SKU's slot is its index here.
  batch_skus bigint[];
  -- The locked rows, by SKU, then in the strategy's order (priority) or by warehouse (most_available).
  row_sku bigint[];
  row_warehouse bigint[];
  row_available bigint[];
  slot_first integer[];
  slot_last integer[];
  slot_available bigint[];
  key_taken boolean[];
  -- What the orders do: created orders, movements, and SKUs emptied.
  new_ordinal integer[] := '{}';
  new_status text[] := '{}';
  new_shortages jsonb[] := '{}';
  new_id bigint[];
  move_ordinal integer[] := '{}';
  move_sku bigint[] := '{}';
  move_warehouse bigint[] := '{}';
  move_take bigint[] := '{}';
  emptied_ordinal integer[] := '{}';
  emptied_sku bigint[] := '{}';
  emptied_warehouse bigint[] := '{}';
  k integer;
  p integer := 1;
  first_item integer;
  q integer;
  r integer;
  s integer;
  pick integer;
  wanted bigint;
  take bigint;
  first_changed bigint;
  shortages jsonb;
BEGIN
  SELECT array_agg(x.ordinal ORDER BY x.ordinal, x.sku), array_agg(x.sku ORDER BY x.ordinal, x.sku),
         array_agg(x.count ORDER BY x.ordinal, x.sku)
  INTO item_ordinal, item_sku, item_count
  FROM (SELECT o.ordinal::integer, (e ->> 'sku')::bigint AS sku, (e ->> 'count')::bigint AS count
        FROM unnest(order_items) WITH ORDINALITY AS o(doc, ordinal), jsonb_array_elements(o.doc) AS e) x;
  item_total := coalesce(cardinality(item_sku), 0);
  batch_skus := ARRAY(SELECT DISTINCT u.sku FROM unnest(item_sku) AS u(sku) ORDER BY u.sku);

  SELECT array_agg(l.sku ORDER BY l.sku, l.rank, l.warehouse_id), array_agg(l.warehouse_id ORDER BY l.sku, l.rank, l.warehouse_id),
         array_agg(l.available ORDER BY l.sku, l.rank, l.warehouse_id)
  INTO row_sku, row_warehouse, row_available
  FROM (SELECT st.sku, st.warehouse_id, CASE WHEN st.warehouse_active THEN st.total - st.reserved ELSE 0 END AS available,
               CASE WHEN strategy = 'priority' THEN st.warehouse_priority ELSE 0 END AS rank
        FROM stocks st WHERE st.sku = ANY (batch_skus)
        ORDER BY st.sku, st.warehouse_id
        FOR UPDATE) l;

  slot_first := array_fill(0, ARRAY[cardinality(batch_skus)]);
  slot_last := array_fill(-1, ARRAY[cardinality(batch_skus)]);
  slot_available := array_fill(0::bigint, ARRAY[cardinality(batch_skus)]);
  FOR r IN 1..coalesce(cardinality(row_sku), 0) LOOP
    s := array_position(batch_skus, row_sku[r]);
    IF slot_first[s] = 0 THEN slot_first[s] := r; END IF;
    slot_last[s] := r;
    slot_available[s] := slot_available[s] + row_available[r];
  END LOOP;

  key_taken := ARRAY(
    SELECT c.idem_key IS NOT NULL AND (
             EXISTS (SELECT 1 FROM orders o WHERE o.user_id = c.user_id AND o.idempotency_key = c.idem_key)
             OR EXISTS (SELECT 1 FROM unnest(user_ids, idempotency_keys) WITH ORDINALITY AS e(user_id, idem_key, ordinal)
                        WHERE e.user_id = c.user_id AND e.idem_key = c.idem_key AND e.ordinal < c.ordinal))
    FROM unnest(user_ids, idempotency_keys) WITH ORDINALITY AS c(user_id, idem_key, ordinal)
    ORDER BY c.ordinal);

  FOR k IN 1..order_count LOOP
    first_item := p;
    WHILE p <= item_total AND item_ordinal[p] = k LOOP p := p + 1; END LOOP;
    CONTINUE WHEN key_taken[k];

    shortages := NULL;
    FOR q IN first_item..p - 1 LOOP
      s := array_position(batch_skus, item_sku[q]);
      IF slot_available[s] < item_count[q] THEN
        shortages := coalesce(shortages, '[]'::jsonb)
          || jsonb_build_object('sku', item_sku[q], 'requested', item_count[q], 'available', slot_available[s]);
      END IF;
    END LOOP;

    IF shortages IS NULL THEN
      FOR q IN first_item..p - 1 LOOP
        s := array_position(batch_skus, item_sku[q]);
        wanted := item_count[q];
        first_changed := NULL;
        WHILE wanted > 0 LOOP
          pick := NULL;
          FOR r IN slot_first[s]..slot_last[s] LOOP
            IF row_available[r] > 0 AND (pick IS NULL OR row_available[r] > row_available[pick]) THEN pick := r; END IF;
            EXIT WHEN pick IS NOT NULL AND strategy = 'priority';
          END LOOP;
          take := least(row_available[pick], wanted);
          row_available[pick] := row_available[pick] - take;
          wanted := wanted - take;
          move_ordinal := move_ordinal || k;
          move_sku := move_sku || item_sku[q];
          move_warehouse := move_warehouse || row_warehouse[pick];
          move_take := move_take || take;
          first_changed := least(first_changed, row_warehouse[pick]);
        END LOOP;
        slot_available[s] := slot_available[s] - item_count[q];
        IF slot_available[s] = 0 THEN
          emptied_ordinal := emptied_ordinal || k;
          emptied_sku := emptied_sku || item_sku[q];
          emptied_warehouse := emptied_warehouse || first_changed;
        END IF;
      END LOOP;
    END IF;
    new_ordinal := new_ordinal || k;
    new_status := new_status || CASE WHEN shortages IS NULL THEN 'AWAITING_PAYMENT' ELSE 'FAILED' END;
    new_shortages := new_shortages || shortages;
  END LOOP;

  new_id := ARRAY(SELECT nextval(pg_get_serial_sequence('orders', 'id')) FROM generate_series(1, cardinality(new_ordinal)));

  INSERT INTO orders (id, user_id, status, items, idempotency_key, shortages, created_at, updated_at, payment_deadline, event_version)
  OVERRIDING SYSTEM VALUE
  SELECT n.id, user_ids[n.ordinal], n.status, order_items[n.ordinal], idempotency_keys[n.ordinal], n.shortages,
         now(), now(), now() + payment_timeout_ms * interval '1 millisecond', 1
  FROM unnest(new_id, new_ordinal, new_status, new_shortages) AS n(id, ordinal, status, shortages);

  UPDATE stocks st SET reserved = st.reserved + d.take
  FROM (SELECT m.sku, m.warehouse_id, sum(m.take)::bigint AS take
        FROM unnest(move_sku, move_warehouse, move_take) AS m(sku, warehouse_id, take)
        GROUP BY m.sku, m.warehouse_id) d
  WHERE st.sku = d.sku AND st.warehouse_id = d.warehouse_id;

  INSERT INTO stock_movements (sku, warehouse_id, kind, total_delta, reserved_delta, order_id, reason, created_at)
  SELECT m.sku, m.warehouse_id, 'RESERVATION', 0, m.take, n.id, '', now()
  FROM unnest(move_ordinal, move_sku, move_warehouse, move_take) AS m(ordinal, sku, warehouse_id, take)
  JOIN unnest(new_id, new_ordinal) AS n(id, ordinal) ON n.ordinal = m.ordinal;

  INSERT INTO outbox (event_id, event_type, order_id, user_id, status, previous_status, items, payload, occurred_at, traceparent, version)
  SELECT x.event_id, x.event_type, x.order_id, x.user_id, x.status, x.previous_status, x.items, x.payload, now(), x.traceparent, x.version
  FROM (
    SELECT n.ordinal, 0 AS step, 0::bigint AS sku, event_ids[n.ordinal] AS event_id, 'order.status_changed' AS event_type,
           n.id AS order_id, user_ids[n.ordinal] AS user_id, n.status, 'NEW' AS previous_status, order_items[n.ordinal] AS items,
           NULL::jsonb AS payload, traceparents[n.ordinal] AS traceparent, 1 AS version
    FROM unnest(new_id, new_ordinal, new_status) AS n(id, ordinal, status)
    UNION ALL
    SELECT e.ordinal, 1, e.sku, gen_random_uuid(), 'stock.level_changed', NULL, NULL, NULL, NULL, NULL,
           jsonb_build_object('sku', st.sku, 'warehouse_id', st.warehouse_id, 'total', st.total, 'reserved', st.reserved,
                              'available', CASE WHEN st.warehouse_active THEN st.total - st.reserved ELSE 0 END,
                              'sku_available', 0, 'cause', 'OUT_OF_STOCK'),
           traceparents[e.ordinal], 0
    FROM unnest(emptied_ordinal, emptied_sku, emptied_warehouse) AS e(ordinal, sku, warehouse_id)
    JOIN stocks st ON st.sku = e.sku AND st.warehouse_id = e.warehouse_id
  ) x
  ORDER BY x.ordinal, x.step, x.sku;

  RETURN QUERY
  SELECT n.ordinal, n.id, n.status, n.shortages, now(), now() + payment_timeout_ms * interval '1 millisecond'
  FROM unnest(new_ordinal, new_id, new_status, new_shortages) AS n(ordinal, id, status, shortages);
END;
$$;

-- Down Migration
DROP FUNCTION create_orders(bigint[], text[], jsonb[], uuid[], text[], double precision, text);

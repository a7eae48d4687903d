-- Up Migration
-- AddToCart's write in one call: take the cart's row in `carts` (creating it), then add the units unless
-- the cart rules (services/checkout/src/domain/cart.ts) refuse them: a line grows to at most max_line_units,
-- and a new line needs fewer than max_lines lines. One plain statement could not do both: it reads the cart
-- in the snapshot it started with, before waiting for the lock, and would miss a line that a concurrent add
-- committed meanwhile. A VOLATILE function's second statement takes a fresh snapshot, after the lock.
-- Returns the line's new count (NULL when refused) and the units the line held before (NULL: no line).
CREATE FUNCTION cart_add_units(
  cart_user_id bigint,
  line_sku bigint,
  added_units integer,
  max_line_units integer,
  max_lines integer
) RETURNS TABLE (new_count integer, units_before integer)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO carts (user_id) VALUES (cart_user_id)
  ON CONFLICT (user_id) DO UPDATE SET generation = carts.generation;

  RETURN QUERY
  WITH line AS (SELECT c.count FROM cart_items c WHERE c.user_id = cart_user_id AND c.sku = line_sku),
       added AS (
         INSERT INTO cart_items AS c (user_id, sku, count)
         SELECT cart_user_id, line_sku, added_units
         WHERE EXISTS (SELECT 1 FROM line)
            OR (SELECT count(*) FROM cart_items i WHERE i.user_id = cart_user_id) < max_lines
         ON CONFLICT (user_id, sku) DO UPDATE SET count = c.count + excluded.count
         WHERE c.count + excluded.count <= max_line_units
         RETURNING c.count)
  SELECT (SELECT a.count FROM added a), (SELECT l.count FROM line l);
END
$$;

-- Down Migration
DROP FUNCTION cart_add_units(bigint, bigint, integer, integer, integer);

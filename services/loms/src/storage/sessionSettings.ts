// PostgreSQL settings of every LOMS session.
//
// plan_cache_mode: LOMS' statements take SKU lists as array parameters (`sku = ANY ($2)`, `unnest($2, $3)`),
// whose length a generic plan cannot know, so PostgreSQL's automatic choice kept planning CreateOrder
// anew on every call; planning its CTEs cost more than running them (about 0.7 ms of a backend's CPU
// per order, see docs/benchmarks.md). Every LOMS statement is written to have one good plan whatever its
// parameters (primary keys, `IS NULL`-free predicates, partial indexes), so plan once per connection.
export const lomsSessionSettings = { plan_cache_mode: 'force_generic_plan' } as const;

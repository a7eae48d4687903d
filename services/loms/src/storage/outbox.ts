// Writes status-change events into the outbox, in the caller's transaction.
import type { Queryable } from '@shop/platform';
import type { Outbox } from '../app/ports';

export function outboxWriter(): Outbox {
  return {
    async add(tx, events) {
      if (events.length === 0) return;
      await (tx as Queryable).query({
        name: 'loms_outbox_add',
        text: `INSERT INTO outbox (event_id, order_id, user_id, status, previous_status, items, occurred_at, traceparent, version)
               SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::text[],
                                    $9::integer[])`,
        values: [
          events.map((e) => e.eventId),
          events.map((e) => e.orderId),
          events.map((e) => e.userId),
          events.map((e) => e.status),
          events.map((e) => e.previousStatus),
          events.map((e) => JSON.stringify(e.items)),
          events.map((e) => e.occurredAt),
          events.map((e) => e.traceparent ?? null),
          events.map((e) => e.version),
        ],
      });
    },
  };
}

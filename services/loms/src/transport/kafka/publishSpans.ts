// Producer spans of the relay: each message's span continues the trace of the request that changed
// stock or the order (the outbox row's traceparent), and the message carries the span's own traceparent on.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { OutboxRow } from '../../storage/outboxRelayQueries';
import type { OutboxAddress } from './outboxMessage';

const tracer = trace.getTracer('loms-outbox-relay');

export interface PublishSpans {
  traceparents: (string | undefined)[];
  end(err?: unknown): void;
}

export function startPublishSpans(rows: OutboxRow[], addresses: OutboxAddress[]): PublishSpans {
  const spans: Span[] = rows.map((row, i) => {
    const { topic, key } = addresses[i] ?? { topic: '', key: '' };
    const parent = row.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: row.traceparent }) : ROOT_CONTEXT;
    return tracer.startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': topic,
          'messaging.kafka.message.key': key,
          'messaging.message.id': row.event_id,
        },
      },
      parent,
    );
  });
  const traceparents = spans.map((span) => {
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), carrier);
    return carrier.traceparent;
  });
  return {
    traceparents,
    end(err) {
      for (const span of spans) {
        if (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        }
        span.end();
      }
    },
  };
}

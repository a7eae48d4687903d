// OpenTelemetry tracing, started before anything else in a service (import it first in main.ts, as
// `@shop/platform/tracing`, not through the package index, so grpc-js and pg load after it).
// Every request has a trace context, so logs carry trace ids and the outbox keeps each change's
// traceparent; spans are recorded and exported (OTLP, the standard OTEL_* variables, sampler included)
// only when an endpoint or exporter is configured.
import { NodeSDK } from '@opentelemetry/sdk-node';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { beforeProcessExit } from '../shutdown';

export function startTracing(serviceName: string, options: { kafkaConsumer?: boolean } = {}): void {
  if (process.env.OTEL_SDK_DISABLED === 'true') return;
  const env = process.env;
  // Metrics go through prom-client and logs through pino: the SDK exports traces only.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const exporting =
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ||
    (env.OTEL_TRACES_EXPORTER !== undefined && env.OTEL_TRACES_EXPORTER !== 'none');
  // Not exporting: spans need not record. Unsampled spans still carry real trace and span ids, which is
  // all that log correlation and the outbox's traceparent use, at a fraction of the cost.
  if (!exporting) env.OTEL_TRACES_SAMPLER ??= 'parentbased_always_off';
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
    instrumentations: [
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch', 'ServerReflectionInfo'] }),
      // Database spans serve only traces that are sent: unsent, every query would still make one.
      ...(exporting ? [new PgInstrumentation({ requireParentSpan: true })] : []),
      new PinoInstrumentation(),
      // Only the consuming side: LOMS' relay makes its own producer spans under each change's trace.
      ...(options.kafkaConsumer ? [new KafkaJsInstrumentation()] : []),
    ],
    // Without an exporter, spans are still made (for log correlation and traceparents), never sent.
    // (An empty list would register no tracer provider at all.)
    ...(exporting ? {} : { spanProcessors: [new NoopSpanProcessor()] }),
  });
  sdk.start();
  // Shutting the SDK down flushes the spans still buffered: those of the last calls before a SIGTERM.
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= sdk.shutdown().catch(() => undefined));
  beforeProcessExit(stop);
  process.once('beforeExit', () => void stop());
}

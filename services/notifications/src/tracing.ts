// Loaded first by main.ts: instrumentation must be in place before grpc-js, pg and kafkajs are required.
import { startTracing } from '@shop/platform/src/observability/tracing';

startTracing('notifications', { kafkaConsumer: true });

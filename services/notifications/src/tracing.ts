// Loaded first by main.ts: instrumentation must be in place before grpc-js, pg and kafkajs are required.
import { startTracing } from '@shop/platform/tracing';
import { serviceName } from './serviceName';

startTracing(serviceName, { kafkaConsumer: true });

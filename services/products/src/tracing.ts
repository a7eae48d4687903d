// Loaded first by main.ts: instrumentation must be in place before grpc-js and pg are required.
import { startTracing } from '@shop/platform/tracing';
import { serviceName } from './serviceName';

startTracing(serviceName);

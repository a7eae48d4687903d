// RED metrics of gRPC calls, server and client side (names in docs/metrics.md).
import * as grpc from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';

export const latencyBucketsSeconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type ObserveCall = (service: string, method: string, code: grpc.status, seconds: number) => void;
/** Server calls also carry who called (a certificate's CN, `shopper`, `admin` or `anonymous`). */
export type ObserveServerCall = (service: string, method: string, code: grpc.status, seconds: number, caller: string) => void;

function callMetrics(
  registry: Registry,
  side: 'server' | 'client',
): (service: string, method: string, code: grpc.status, seconds: number, caller?: string) => void {
  const callerLabel = side === 'server' ? ['caller'] : [];
  const handled = new Counter({
    name: `grpc_${side}_handled_total`,
    help: side === 'server' ? 'gRPC calls answered, by status code and caller' : 'Outgoing gRPC calls finished, by status code',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_code', ...callerLabel],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: `grpc_${side}_handling_seconds`,
    help: side === 'server' ? 'Time from a gRPC request to its answer' : 'Time of an outgoing gRPC call, retries included',
    labelNames: ['grpc_service', 'grpc_method'],
    buckets: latencyBucketsSeconds,
    registers: [registry],
  });
  return (service, method, code, elapsed, caller) => {
    const labels = { grpc_service: service, grpc_method: method, grpc_code: grpc.status[code] ?? String(code) };
    handled.inc(caller === undefined ? labels : { ...labels, caller });
    seconds.observe({ grpc_service: service, grpc_method: method }, elapsed);
  };
}

export const grpcServerMetrics = (registry: Registry): ObserveServerCall => callMetrics(registry, 'server');

/** A client interceptor that records every outgoing call's code and duration. */
export function grpcClientMetricsInterceptor(registry: Registry): grpc.Interceptor {
  const observe: ObserveCall = callMetrics(registry, 'client');
  return (options, nextCall) => {
    const [, service = 'unknown', method = 'unknown'] = options.method_definition.path.split('/');
    const started = process.hrtime.bigint();
    return new grpc.InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        // Only the status hook: grpc-js passes the other events through on its own.
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            observe(service, method, status.code, Number(process.hrtime.bigint() - started) / 1e9);
            nextStatus(status);
          },
        });
      },
    });
  };
}

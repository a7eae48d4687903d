// A TLS gRPC server with admission control, authentication, health, reflection (for this server's services only)
// and graceful shutdown.
import * as grpc from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { HealthImplementation } from 'grpc-health-check';
import { serverCredentials, type ServerTls } from './tls';
import type { Registry } from 'prom-client';
import { grpcServerMetrics, type ObserveServerCall } from '../metrics/grpcMetrics';
import { authInterceptor, type Authenticate } from '../auth/authInterceptor';
import { principalOf } from '../auth/principal';
import type { Logger } from '../logger';
import { admissionTicketOf, createAdmission } from './admission';
import { runInCallScope } from './callScope';
import { InvalidArgumentError, invalidArgumentStatus } from './invalidArgument';
import { reflectionFor } from './reflection';
import { isUndecodable, tolerantDecoding } from './requestDecoding';
import { readPeerCertificatesOncePerConnection } from './peerCertificateCache';

export interface ServiceRegistration {
  /** Fully qualified name, e.g. `loms.v1.LomsService`. */
  name: string;
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

export interface GrpcServerHandle {
  port: number;
  health: HealthImplementation;
  setServing(serving: boolean): void;
  /** Calls of the server's own services admitted and not yet finished. */
  inFlight(): number;
  shutdown(graceMs: number): Promise<void>;
}

/** Defaults of GRPC_MAX_IN_FLIGHT and GRPC_MAX_CONCURRENT_STREAMS (README, "Configuration"). */
export const defaultMaxInFlight = 128;
export const defaultMaxConcurrentStreams = 100;
/** How long shutdown leaves the last answers to reach their clients before it closes the connections. */
const flushMs = 200;

export async function startGrpcServer(options: {
  host: string;
  port: number;
  tls: ServerTls;
  /** Who may call: every call of `services` passes it before its request is read (health and reflection do not). */
  authenticate: Authenticate;
  services: ServiceRegistration[];
  /** Where the RED metrics of every method go. */
  registry: Registry;
  logger: Logger;
  /** Calls of `services` at once; beyond it RESOURCE_EXHAUSTED before the request is read. */
  maxInFlight?: number;
  /** HTTP/2 streams one connection may have open at once (`grpc.max_concurrent_streams`). */
  maxConcurrentStreams?: number;
  serverOptions?: grpc.ServerOptions;
}): Promise<GrpcServerHandle> {
  const observe = grpcServerMetrics(options.registry);
  const refused = (method: string, code: grpc.status, caller: string, seconds: number) => {
    const [service = 'unknown', name = 'unknown'] = method.split('/');
    observe(service, name, code, seconds, caller);
  };
  readPeerCertificatesOncePerConnection();
  const admission = createAdmission({ maxInFlight: options.maxInFlight ?? defaultMaxInFlight, onRefused: refused });
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 4 * 1024 * 1024,
    'grpc.max_concurrent_streams': options.maxConcurrentStreams ?? defaultMaxConcurrentStreams,
    ...options.serverOptions,
    // The first sees a call first: admission is decided before any authentication work.
    interceptors: [
      admission.interceptor,
      authInterceptor(options.authenticate, refused, options.logger),
      ...(options.serverOptions?.interceptors ?? []),
    ],
  });
  const names = options.services.map((s) => s.name);
  const health = new HealthImplementation(Object.fromEntries(['', ...names].map((n) => [n, 'NOT_SERVING' as const])));
  const inFlight = { calls: 0 };
  for (const s of options.services) server.addService(tolerantDecoding(s.definition), instrumented(s, inFlight, observe));
  health.addToServer(server);
  reflectionFor([...names, 'grpc.health.v1.Health']).addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, serverCredentials(options.tls), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  const setServing = (serving: boolean) => {
    for (const n of ['', ...names]) health.setStatus(n, serving ? 'SERVING' : 'NOT_SERVING');
  };
  return {
    port,
    health,
    setServing,
    inFlight: admission.inFlight,
    async shutdown(graceMs) {
      setServing(false);
      // tryShutdown also waits for clients to close idle connections: once our own calls are done,
      // there is nothing left worth waiting for.
      const closed = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      const until = Date.now() + graceMs;
      // A call holds its admission place until its stream has closed, i.e. its answer is written out: wait
      // for those, not only for the handlers, since forcing destroys the sessions with what they still hold.
      while ((inFlight.calls > 0 || admission.inFlight() > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      // What the last streams wrote may still sit in the sockets: give them a moment (a clean close ends it sooner).
      await Promise.race([closed, new Promise((r) => setTimeout(r, Math.max(0, Math.min(flushMs, until - Date.now()))))]);
      server.forceShutdown();
      await closed;
    },
  };
}

/**
 * Wraps every unary handler: RED metrics per method and caller, the caller on the call's span, a count
 * of calls in progress so that shutdown knows when they have finished, the call's admission place held
 * until the handler is done, the call's scope (its deadline and cancellation) around the handler, and
 * INVALID_ARGUMENT for a request whose bytes could not be decoded.
 */
function instrumented(
  service: ServiceRegistration,
  inFlight: { calls: number },
  observe: ObserveServerCall,
): grpc.UntypedServiceImplementation {
  const wrapped: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(service.implementation)) {
    const methodName = service.definition[name]?.path.split('/')[2] ?? name;
    wrapped[name] = ((call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      inFlight.calls += 1;
      const ticket = admissionTicketOf(call);
      ticket?.handlerStarted();
      const started = process.hrtime.bigint();
      const principal = principalOf(call);
      const span = trace.getActiveSpan();
      span?.setAttribute('shop.caller', principal.caller);
      if (principal.userId !== undefined) span?.setAttribute('enduser.id', String(principal.userId));
      const respond = (...args: Parameters<grpc.sendUnaryData<unknown>>) => {
        inFlight.calls -= 1;
        ticket?.handlerFinished();
        const error = args[0];
        observe(
          service.name,
          methodName,
          error ? (error.code ?? grpc.status.UNKNOWN) : grpc.status.OK,
          Number(process.hrtime.bigint() - started) / 1e9,
          principal.caller,
        );
        callback(...args);
      };
      if (isUndecodable(call.request)) {
        respond(invalidArgumentStatus(new InvalidArgumentError([call.request.violation])));
        return;
      }
      try {
        runInCallScope(call, (answered) =>
          (handler as grpc.handleUnaryCall<unknown, unknown>)(call, (...args) => {
            answered();
            respond(...args);
          }),
        );
      } catch (err) {
        // grpc-js answers UNKNOWN for a handler that throws; its place must not stay taken.
        inFlight.calls -= 1;
        ticket?.handlerFinished();
        throw err;
      }
    }) as grpc.UntypedHandleCall;
  }
  return wrapped;
}

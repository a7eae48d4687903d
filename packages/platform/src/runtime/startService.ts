// What every service starts the same way around its own parts: the Prometheus registry, the database (pool
// metrics, gRPC health following its ping), the gRPC server, the admin port with readiness, the 'started'
// log line, and the stop sequence.
import type { Registry } from 'prom-client';
import { startAdminServer, type ReadinessCheck } from '../admin/adminServer';
import type { Authenticate } from '../auth/authInterceptor';
import type { GrpcServerConfig, PostgresPoolConfig } from '../config/envSchemas';
import { createDatabase, type Database } from '../db/pool';
import { startDatabaseWatch } from '../db/startDatabaseWatch';
import { startGrpcServer, type ServiceRegistration } from '../grpc/grpcServer';
import type { Logger } from '../logger';
import { registerPoolMetrics } from '../metrics/poolMetrics';
import { createServiceRegistry } from '../metrics/serviceRegistry';

/** A worker, a consumer, a client of another service: whatever the stop sequence must end. */
export interface Stoppable {
  stop(): Promise<void> | void;
}

/** What a service builds of its own once its registry (and database) exist: workers and clients already started. */
export interface ServiceParts {
  grpc: {
    authenticate: Authenticate;
    /** When set, only holders of a client certificate of this CA connect (mutual TLS). */
    clientCaFile?: string;
    services: ServiceRegistration[];
  };
  /** The checks of /readyz, by name. */
  readiness?: Record<string, ReadinessCheck>;
  /** Stopped first, in order, while the gRPC server's last calls finish. */
  stopFirst?: (Stoppable | undefined)[];
  /** Stopped in order once the gRPC server's last calls have finished, before the admin port and the pool close. */
  stopAfterCalls?: (Stoppable | undefined)[];
  /** More fields of the 'started' log line. */
  startedLog?: Record<string, unknown>;
}

export interface RunningService {
  grpcPort: number;
  adminPort: number;
  registry: Registry;
  /** /readyz answers `draining`, calls finish (for at most SHUTDOWN_GRACE), the parts stop, the ports and the pool close. */
  stop(): Promise<void>;
}

interface ServiceOptions {
  name: string;
  logger: Logger;
}

interface ServiceWithDatabase extends ServiceOptions {
  config: GrpcServerConfig & PostgresPoolConfig;
  database: {
    url: string;
    /** Server settings for every session of the pool. */
    sessionSettings?: Record<string, string>;
  };
  build(built: { db: Database; registry: Registry }): Promise<ServiceParts> | ServiceParts;
}

interface ServiceWithoutDatabase extends ServiceOptions {
  config: GrpcServerConfig;
  build(built: { registry: Registry }): Promise<ServiceParts> | ServiceParts;
}

export function startService(options: ServiceWithDatabase): Promise<RunningService>;
export function startService(options: ServiceWithoutDatabase): Promise<RunningService>;
export async function startService(options: ServiceWithDatabase | ServiceWithoutDatabase): Promise<RunningService> {
  const { name, config, logger } = options;
  const registry = createServiceRegistry();
  const { parts, database } = await buildParts(options, registry);

  const grpcServer = await startGrpcServer({
    host: config.GRPC_HOST,
    port: config.GRPC_PORT,
    tls: { certFile: config.TLS_CERT_FILE, keyFile: config.TLS_KEY_FILE, clientCaFile: parts.grpc.clientCaFile },
    maxInFlight: config.GRPC_MAX_IN_FLIGHT,
    maxConcurrentStreams: config.GRPC_MAX_CONCURRENT_STREAMS,
    authenticate: parts.grpc.authenticate,
    services: parts.grpc.services,
    registry,
    logger,
  });
  const admin = await startAdminServer({ host: config.GRPC_HOST, port: config.ADMIN_PORT, registry, readiness: parts.readiness ?? {} });
  // Serving follows the database, which a service that has one cannot work without; other dependencies are per call.
  const databaseWatch =
    database &&
    startDatabaseWatch({ ping: database.db.ping, intervalMs: database.checkIntervalMs, onChange: grpcServer.setServing, logger });
  if (!database) grpcServer.setServing(true);
  logger.info({ grpcPort: grpcServer.port, adminPort: admin.port, ...parts.startedLog }, `${name} started`);

  return {
    grpcPort: grpcServer.port,
    adminPort: admin.port,
    registry,
    async stop() {
      admin.drain();
      databaseWatch?.stop();
      grpcServer.setServing(false);
      for (const part of parts.stopFirst ?? []) await part?.stop();
      await grpcServer.shutdown(config.SHUTDOWN_GRACE);
      for (const part of parts.stopAfterCalls ?? []) await part?.stop();
      await admin.close();
      await database?.db.close();
    },
  };
}

async function buildParts(
  options: ServiceWithDatabase | ServiceWithoutDatabase,
  registry: Registry,
): Promise<{ parts: ServiceParts; database?: { db: Database; checkIntervalMs: number } }> {
  if (!('database' in options)) return { parts: await options.build({ registry }) };
  const { config } = options;
  const db = createDatabase({
    connectionString: options.database.url,
    maxConnections: config.DB_POOL_MAX,
    maxWaiting: config.DB_POOL_QUEUE_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT,
    logger: options.logger,
    applicationName: options.name,
    sessionSettings: options.database.sessionSettings,
  });
  registerPoolMetrics(registry, db.pool);
  return { parts: await options.build({ db, registry }), database: { db, checkIntervalMs: config.DB_CHECK_INTERVAL } };
}

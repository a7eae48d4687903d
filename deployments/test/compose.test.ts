// deployments/docker-compose.yml, checked without Docker: what it mounts exists, the env variables are ones each
// service's config schema knows (with values it accepts), ports follow docs/architecture.md, the image has what it runs.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { checkoutConfigSchema } from '../../services/checkout/src/config';
import { lomsConfigSchema } from '../../services/loms/src/config';
import { notificationsConfigSchema } from '../../services/notifications/src/config';
import { productsConfigSchema } from '../../services/products/src/config';
import { deployments, readYaml, root } from './deploymentFiles';
import { jobNames } from '../../scripts/dev/buildJobs';
import { serviceNodeFlags } from '@shop/devstack';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition?: string }>;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = readYaml<Compose>(path.join(deployments, 'docker-compose.yml'));
const services = compose.services;
const service = (name: string): ComposeService => {
  const s = services[name];
  if (!s) throw new Error(`compose has no service ${name}`);
  return s;
};

// The four services, their config schemas, and their ports from docs/architecture.md ("Running it").
const appServices = {
  checkout: { schema: checkoutConfigSchema, grpcPort: 50051, adminPort: 8081 },
  loms: { schema: lomsConfigSchema, grpcPort: 50052, adminPort: 8082 },
  notifications: { schema: notificationsConfigSchema, grpcPort: 50053, adminPort: 8083 },
  products: { schema: productsConfigSchema, grpcPort: 50054, adminPort: 8084 },
} satisfies Record<string, { schema: z.ZodObject; grpcPort: number; adminPort: number }>;
// docs/architecture.md ("Running it"): Prometheus 9090, Grafana 3000, Jaeger UI 16686 (OTLP 4317 and 4318), Kafka 9092 in compose.
const infrastructurePorts: Record<string, number[]> = { prometheus: [9090], grafana: [3000], jaeger: [16686, 4317, 4318], kafka: [9092] };
/** Read by the OpenTelemetry SDK itself (standard OTEL_* variables), not by a service's config schema. */
const openTelemetryVariables = [
  'OTEL_SERVICE_NAME',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_TRACES_EXPORTER',
  'OTEL_METRICS_EXPORTER',
  'OTEL_LOGS_EXPORTER',
];
const oneShots = ['migrate', 'seed', 'kafka-init'];
const databaseUrlVariables = ['LOMS_DATABASE_URL', 'CHECKOUT_DATABASE_URL', 'NOTIFICATIONS_DATABASE_URL'];

const envOf = (s: ComposeService): Record<string, string> =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
const hostPorts = (s: ComposeService): number[] => (s.ports ?? []).map((p) => Number(p.split(':').at(-2)));
const containerPorts = (s: ComposeService): number[] => (s.ports ?? []).map((p) => Number(p.split(':').at(-1)));

describe('docker-compose.yml', () => {
  it('holds the whole stack: infrastructure, one-shots and the four services', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'checkout',
        'grafana',
        'jaeger',
        'kafka',
        'kafka-init',
        'loms',
        'migrate',
        'notifications',
        'postgres',
        'products',
        'prometheus',
        'seed',
      ].sort(),
    );
    expect(service('kafka').image).toMatch(/^apache\/kafka:/);
    expect(envOf(service('kafka')).KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(service('jaeger').image).toMatch(/^jaegertracing\/all-in-one:/);
  });

  it('mounts only files and folders that exist in the repository', () => {
    const mounts = Object.entries(services).flatMap(([name, s]) =>
      (s.volumes ?? []).map((v) => ({ name, source: v.split(':')[0] ?? '' })).filter((m) => m.source.startsWith('.')),
    );
    expect(mounts.length).toBeGreaterThan(5);
    const missing = mounts.filter((m) => !fs.existsSync(path.resolve(deployments, m.source)));
    expect(missing).toEqual([]);
    // certs/ comes from `make certs` (git-ignored); the services read these three files from it.
    for (const file of ['server.crt', 'server.key', 'ca.crt'])
      expect(fs.existsSync(path.join(root, 'certs', file)), `certs/${file} (make certs)`).toBe(true);
    const named = Object.values(services).flatMap((s) =>
      (s.volumes ?? []).map((v) => v.split(':')[0] ?? '').filter((src) => !src.startsWith('.') && !src.startsWith('/')),
    );
    for (const volume of named) expect(compose.volumes, `volume ${volume} declared`).toHaveProperty(volume);
  });

  it('builds the services from the repo-root Dockerfile and runs files that exist', () => {
    for (const name of [...Object.keys(appServices), 'migrate', 'seed']) {
      const s = service(name);
      expect(s.build, name).toEqual({ context: '..', dockerfile: 'Dockerfile' });
      expect(fs.existsSync(path.resolve(deployments, s.build?.context ?? '', s.build?.dockerfile ?? ''))).toBe(true);
    }
    // The services run as the bundles the Dockerfile builds from their main.ts, with the node flags every local
    // start-up uses; the one-shot jobs as theirs (build/jobs, from scripts/<job>.ts), which the image holds too.
    for (const name of Object.keys(appServices)) {
      expect(service(name).command, name).toEqual(['node', ...serviceNodeFlags, `services/${name}/dist/main.js`]);
      expect(fs.existsSync(path.join(root, 'services', name, 'src/main.ts')), `services/${name}/src/main.ts`).toBe(true);
    }
    expect(service('migrate').command).toEqual(['node', 'build/jobs/migrate.js']);
    expect(service('seed').command).toEqual(['node', 'build/jobs/seed-stock.js']);
    for (const job of ['migrate', 'seed-stock'] as const) {
      expect(jobNames).toContain(job);
      expect(fs.existsSync(path.join(root, 'scripts', `${job}.ts`)), `scripts/${job}.ts`).toBe(true);
    }
  });

  it('gives each service only env variables its config schema knows, with values it accepts', () => {
    for (const [name, { schema }] of Object.entries(appServices)) {
      const env = envOf(service(name));
      const known = Object.keys(schema.shape);
      const unknown = Object.keys(env).filter((k) => !known.includes(k) && !openTelemetryVariables.includes(k));
      expect(unknown, `${name}: variables its schema does not read`).toEqual([]);
      const parsed = schema.safeParse(env);
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), `${name}: values`).toEqual([]);
      expect(env.OTEL_SERVICE_NAME).toBe(name);
      // 4317 is Jaeger's OTLP/gRPC port; the SDK's default protocol (http/protobuf) would need 4318.
      expect(env).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_TRACES_EXPORTER: 'otlp',
      });
      expect(env.TLS_CERT_FILE).toBe('/certs/server.crt');
      expect(env.TLS_KEY_FILE).toBe('/certs/server.key');
      expect(service(name).volumes).toContain('../certs:/certs:ro');
    }
    expect(envOf(service('checkout'))).toMatchObject({
      TLS_CA_FILE: '/certs/ca.crt',
      LOMS_ADDR: 'loms:50052',
      PRODUCTS_ADDR: 'products:50054',
    });
    for (const name of ['loms', 'notifications']) expect(envOf(service(name)).KAFKA_BROKERS).toBe('kafka:9092');
    // mTLS to LOMS and shopper tokens: every trust file named is one `make certs` writes into the mounted ../certs.
    expect(envOf(service('loms')).TLS_CLIENT_CA_FILE).toBe('/certs/ca.crt');
    const trustFiles: [string, string][] = [
      ['checkout', 'LOMS_CLIENT_CERT_FILE'],
      ['checkout', 'LOMS_CLIENT_KEY_FILE'],
      ['checkout', 'AUTH_JWT_PUBLIC_KEY_FILE'],
      ['notifications', 'AUTH_JWT_PUBLIC_KEY_FILE'],
    ];
    for (const [name, variable] of trustFiles) {
      const file = envOf(service(name))[variable] ?? '';
      expect(file, `${name} ${variable}`).toMatch(/^\/certs\//);
      expect(fs.existsSync(path.join(root, 'certs', file.slice('/certs/'.length))), `${name} ${variable}: ${file}`).toBe(true);
    }
    expect(envOf(service('kafka')).KAFKA_ADVERTISED_LISTENERS).toContain('PLAINTEXT://kafka:9092');
    // scripts/migrate.ts (packages/devstack/src/localDatabases.ts) migrates the three databases given these three URLs.
    expect(Object.keys(envOf(service('migrate'))).sort()).toEqual([...databaseUrlVariables].sort());
    expect(fs.readFileSync(path.join(root, 'packages/devstack/src/localDatabases.ts'), 'utf8')).toContain(databaseUrlVariables[0]);
  });

  it('points every database URL at a database init.sql creates', () => {
    const initSql = fs.readFileSync(path.join(deployments, 'postgres/init.sql'), 'utf8');
    const created = [...initSql.matchAll(/CREATE DATABASE (\w+)/g)].map((m) => m[1]);
    expect(created.sort()).toEqual(['checkout', 'loms', 'notifications']);
    const urls = Object.values(services).flatMap((s) =>
      Object.entries(envOf(s))
        .filter(([k]) => k.endsWith('_DATABASE_URL'))
        .map(([, v]) => v),
    );
    expect(urls.length).toBeGreaterThanOrEqual(6);
    for (const url of urls) expect(created).toContain(new URL(url).pathname.slice(1));
    const postgres = envOf(service('postgres'));
    for (const url of urls)
      expect(new URL(url)).toMatchObject({
        hostname: 'postgres',
        port: '5432',
        username: postgres.POSTGRES_USER,
        password: postgres.POSTGRES_PASSWORD,
      });
  });

  it('creates the order status topic with 4 partitions and its dead-letter topic', () => {
    const script = fs.readFileSync(path.join(deployments, 'kafka/create-topics.sh'), 'utf8');
    expect(script).toMatch(/create "\$topic" 4/);
    expect(script).toMatch(/create "\$topic\.dlq" 1/);
    expect(envOf(service('kafka-init')).ORDER_STATUS_TOPIC).toBe('loms.order-status');
    for (const name of ['loms', 'notifications'])
      expect(envOf(service(name)).ORDER_STATUS_TOPIC ?? 'loms.order-status').toBe('loms.order-status');
  });

  it('creates the stock level topic LOMS publishes to, with 4 partitions', () => {
    const script = fs.readFileSync(path.join(deployments, 'kafka/create-topics.sh'), 'utf8');
    expect(script).toMatch(/stock_topic="\$\{STOCK_LEVELS_TOPIC:-loms\.stock-levels\}"/);
    expect(script).toMatch(/create "\$stock_topic" 4/);
    expect(envOf(service('loms')).STOCK_LEVELS_TOPIC ?? 'loms.stock-levels').toBe(
      envOf(service('kafka-init')).STOCK_LEVELS_TOPIC ?? 'loms.stock-levels',
    );
  });

  it('publishes the ports of architecture.md, on the ports the services listen on', () => {
    for (const [name, ports] of Object.entries(appServices)) {
      const s = service(name);
      expect(hostPorts(s).sort(), name).toEqual([ports.grpcPort, ports.adminPort].sort());
      expect(containerPorts(s).sort(), name).toEqual([ports.grpcPort, ports.adminPort].sort());
      expect(envOf(s)).toMatchObject({ GRPC_PORT: String(ports.grpcPort), ADMIN_PORT: String(ports.adminPort) });
    }
    for (const [name, ports] of Object.entries(infrastructurePorts))
      expect(hostPorts(service(name)).sort(), name).toEqual([...ports].sort());
  });

  it("checks each service's health on its admin /readyz and starts services only after what they need", () => {
    for (const [name, { adminPort }] of Object.entries(appServices)) {
      const test = service(name).healthcheck?.test ?? [];
      expect(test.slice(0, 3), name).toEqual(['CMD', 'node', '-e']);
      expect(test[3]).toContain(`fetch('http://127.0.0.1:${adminPort}/readyz')`);
    }
    // The image's HEALTHCHECK asks a gRPC server: the jobs built from it have none.
    for (const name of ['migrate', 'seed']) expect(service(name).healthcheck, name).toEqual({ disable: true });
    for (const [name, s] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        const expected = oneShots.includes(dependency)
          ? 'service_completed_successfully'
          : services[dependency]?.healthcheck && name !== 'prometheus'
            ? 'service_healthy'
            : 'service_started';
        expect(condition, `${name} depends on ${dependency}`).toBe(expected);
      }
    }
    const needs = (name: string) => Object.keys(service(name).depends_on ?? {});
    expect(needs('migrate')).toContain('postgres');
    expect(needs('seed')).toContain('migrate');
    expect(needs('kafka-init')).toContain('kafka');
    expect(needs('loms')).toEqual(expect.arrayContaining(['postgres', 'seed', 'kafka-init']));
    expect(needs('checkout')).toEqual(expect.arrayContaining(['migrate', 'loms', 'products']));
    expect(needs('notifications')).toEqual(expect.arrayContaining(['migrate', 'kafka-init']));
  });

  it('mounts the Prometheus config with its alerts and the Grafana provisioning with the dashboards', () => {
    expect(service('prometheus').volumes).toContain('./prometheus:/etc/prometheus:ro');
    expect(service('prometheus').command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(service('grafana').volumes).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    const provider = readYaml<{ providers: { type: string; options: { path: string } }[] }>(
      path.join(deployments, 'grafana/provisioning/dashboards/dashboards.yml'),
    );
    expect(provider.providers).toEqual([
      expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }) }),
    ]);
    const home = envOf(service('grafana')).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(fs.existsSync(path.join(deployments, 'grafana/dashboards', path.basename(home)))).toBe(true);
  });
});

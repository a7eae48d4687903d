// `make run-services`: the whole stack on this machine. Embedded PostgreSQL and the local Kafka-protocol
// broker unless *_DATABASE_URL / KAFKA_BROKERS are given; migrations, seed data, the four services.
import path from 'node:path';
import { type KafkaBroker, prepareDatabases, repoRoot, type ServiceName, startKafkaBroker, trustEnv, waitForReady } from '@shop/devstack';
import { seedStock } from '../services/loms/src/seed/seedStock';
import { buildServices } from './dev/buildServices';
import { startServiceProcess, type ServiceProcess } from './dev/serviceProcess';
import { replicaAddresses, replicaCount, replicasOf, type ServiceBase } from './dev/serviceReplicas';

const say = (line: string) => process.stdout.write(`\x1b[1mrun-services \x1b[0m| ${line}\n`);

const portFrom = (variable: string, fallback: number) => Number(process.env[variable] ?? fallback);
// Each port can be moved, e.g. LOMS_GRPC_PORT=60052 LOMS_ADMIN_PORT=9082; LOMS_REPLICAS=3 starts three LOMS on
// 50052/8082, 50062/8092 and 50072/8102, against the same databases and broker.
const bases: ServiceBase[] = (
  [
    { name: 'products', grpcPort: 50054, adminPort: 8084 },
    { name: 'loms', grpcPort: 50052, adminPort: 8082 },
    { name: 'checkout', grpcPort: 50051, adminPort: 8081 },
    { name: 'notifications', grpcPort: 50053, adminPort: 8083 },
  ] as const
).map((s) => ({
  name: s.name,
  grpcPort: portFrom(`${s.name.toUpperCase()}_GRPC_PORT`, s.grpcPort),
  adminPort: portFrom(`${s.name.toUpperCase()}_ADMIN_PORT`, s.adminPort),
}));

async function main(): Promise<void> {
  const root = repoRoot();
  const stack: { stop(): Promise<void> }[] = [];
  const children: ServiceProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) {
      say('stopping at once');
      for (const child of children) child.forceKill();
      process.exit(1);
    }
    stopping = true;
    say('stopping…');
    for (const part of stack.reverse()) await part.stop().catch((err: Error) => say(`stop failed: ${err.message}`));
    say(
      `stopped; data kept in ${path.relative(repoRoot(), path.resolve(repoRoot(), process.env.RUN_SERVICES_DATA_DIR ?? '.data')) || '.'}`,
    );
    process.exit(code);
  };
  // This script stops everything itself, in order (services before the database and broker they use):
  // no other handler may act on these signals first.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stopAll(0));
  }

  try {
    const replicas = new Map(bases.map((base) => [base.name, replicasOf(base, replicaCount(base.name, process.env))]));
    const replicasOfService = (name: ServiceName) => replicas.get(name) ?? [];
    await buildServices(root);
    say('services bundled into services/<name>/dist');
    const dataDir = path.resolve(root, process.env.RUN_SERVICES_DATA_DIR ?? '.data');
    const databases = await prepareDatabases(dataDir, say);
    stack.push(databases);
    const seeded = await seedStock(databases.urls.loms, path.join(root, 'data/stock.json'));
    if (seeded.seeded) say(`seeded ${seeded.rows} stock rows`);

    let brokers = process.env.KAFKA_BROKERS;
    if (!brokers) {
      const broker: KafkaBroker = await startKafkaBroker();
      stack.push(broker);
      brokers = broker.brokers.join(',');
      say(`local Kafka-protocol broker (librdkafka mock) on ${brokers}`);
    }

    const shared: NodeJS.ProcessEnv = {
      // Certificates, client certificates and the token key from certs/, unless the environment names others.
      ...trustEnv(path.join(root, 'certs')),
      ...process.env,
      LOMS_DATABASE_URL: databases.urls.loms,
      CHECKOUT_DATABASE_URL: databases.urls.checkout,
      NOTIFICATIONS_DATABASE_URL: databases.urls.notifications,
      KAFKA_BROKERS: brokers,
      CATALOGUE_FILE: process.env.CATALOGUE_FILE ?? path.join(root, 'data/catalogue.json'),
      LOMS_ADDR: replicaAddresses(replicasOfService('loms')),
      // Several replicas are dialled by IP: the dev certificate is checked for localhost, as with one replica.
      ...(replicasOfService('loms').length > 1 ? { LOMS_TLS_SERVER_NAME: process.env.LOMS_TLS_SERVER_NAME ?? 'localhost' } : {}),
      PRODUCTS_ADDR: replicaAddresses(replicasOfService('products')),
    };
    const all = [...replicas.values()].flat();
    const processes: ServiceProcess[] = all.map((r, index) =>
      startServiceProcess({
        name: r.service,
        label: r.label,
        index,
        root,
        env: { ...shared, GRPC_PORT: String(r.grpcPort), ADMIN_PORT: String(r.adminPort) },
        print: (line) => process.stdout.write(line + '\n'),
      }),
    );
    children.push(...processes);
    // Stop services before the broker and database they use.
    stack.push({ stop: () => Promise.all(processes.map((p) => p.stop())).then(() => undefined) });

    await Promise.all(all.map((r) => waitForReady(r.label, r.adminPort, 90_000)));
    say('all services ready:');
    for (const r of all) say(`  ${r.label.padEnd(16)} gRPC (TLS) localhost:${r.grpcPort}   admin http://localhost:${r.adminPort}/metrics`);
    if (replicasOfService('loms').length > 1) say(`  checkout balances its LOMS calls round robin over ${shared.LOMS_ADDR}`);
    say(
      `try: grpcurl -cacert certs/ca.crt localhost:${replicasOfService('checkout')[0]?.grpcPort} list   (README has the whole walkthrough); Ctrl-C stops everything`,
    );
  } catch (err) {
    say(`failed: ${(err as Error).message}`);
    await stopAll(1);
  }
}

void main();

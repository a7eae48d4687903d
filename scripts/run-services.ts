// `make run-services`: the whole stack on this machine. Embedded PostgreSQL and the local Kafka-protocol
// broker unless *_DATABASE_URL / KAFKA_BROKERS are given; migrations, seed data, the four services.
import path from 'node:path';
import { type KafkaBroker, prepareDatabases, repoRoot, startKafkaBroker, trustEnv, waitForReady } from '@shop/devstack';
import { seedStock } from '../services/loms/src/seed/seedStock';
import { buildServices } from './dev/buildServices';
import { startServiceProcess, type ServiceProcess } from './dev/serviceProcess';

const say = (line: string) => process.stdout.write(`\x1b[1mrun-services \x1b[0m| ${line}\n`);

const portFrom = (variable: string, fallback: number) => Number(process.env[variable] ?? fallback);
// Each port can be moved, e.g. LOMS_GRPC_PORT=60052 LOMS_ADMIN_PORT=9082.
const services = (
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

const portOf = (name: string) => services.find((s) => s.name === name) ?? { grpcPort: 0, adminPort: 0 };

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
      LOMS_ADDR: `localhost:${portOf('loms').grpcPort}`,
      PRODUCTS_ADDR: `localhost:${portOf('products').grpcPort}`,
    };
    const processes: ServiceProcess[] = services.map((s, index) =>
      startServiceProcess({
        name: s.name,
        index,
        root,
        env: { ...shared, GRPC_PORT: String(s.grpcPort), ADMIN_PORT: String(s.adminPort) },
        print: (line) => process.stdout.write(line + '\n'),
      }),
    );
    children.push(...processes);
    // Stop services before the broker and database they use.
    stack.push({ stop: () => Promise.all(processes.map((p) => p.stop())).then(() => undefined) });

    await Promise.all(services.map((s) => waitForReady(s.name, s.adminPort, 90_000)));
    say('all services ready:');
    for (const s of services)
      say(`  ${s.name.padEnd(13)} gRPC (TLS) localhost:${s.grpcPort}   admin http://localhost:${s.adminPort}/metrics`);
    say(
      `try: grpcurl -cacert certs/ca.crt localhost:${portOf('checkout').grpcPort} list   (README has the whole walkthrough); Ctrl-C stops everything`,
    );
  } catch (err) {
    say(`failed: ${(err as Error).message}`);
    await stopAll(1);
  }
}

void main();

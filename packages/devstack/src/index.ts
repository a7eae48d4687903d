// The local stack, for scripts, the bench and the tests alike: where the repository is, embedded PostgreSQL (and a
// replicated pair from Debian's server) and the migrations, the local Kafka-protocol broker, the dev trust material
// and its clients, the services' bundles.
export * from './repoRoot';
export * from './freePort';
export * from './postgresBinaries';
export * from './postgresCluster';
export * from './replicatedPostgres';
export * from './migrate';
export * from './localDatabases';
export * from './kafkaBroker';
export * from './trustFiles';
export * from './devToken';
export * from './clientCredentials';
export * from './serviceBundle';
export * from './waitForReady';
export * from './childProcess';
export * from './bundleProcess';
export * from './serviceMetrics';

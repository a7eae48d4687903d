// What tests need beyond the local stack (@shop/devstack): services started in process or as bundles over the test
// server environment, fresh migrated databases, polling, metrics, topics, a switchable TCP proxy, certificates
// and the shared auth tests.
export * from './testServerEnv';
export * from './startInProcess';
export * from './spawnService';
export * from './eventually';
export * from './scrapeMetric';
export * from './testDatabase';
export * from './testDatabases';
export * from './topicCollector';
export * from './tcpProxy';
export * from './testCertificates';
export * as shopperAuth from './shopperAuthMatrix';

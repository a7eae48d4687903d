import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { clientCredentials, readStatusDetails } from '@shop/platform';
import { service as healthService } from 'grpc-health-check';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type KafkaBroker, repoRoot, startKafkaBroker } from '@shop/devstack';
import { eventually, freshDatabase } from '@shop/testkit';
import { encodePageToken } from '../../src/transport/grpc/pageToken';
import { startTestNotifications, type TestNotifications } from './testService';

let broker: KafkaBroker;
let service: TestNotifications;
let databaseName: string;

beforeAll(async () => {
  broker = await startKafkaBroker();
  const databaseUrl = await freshDatabase('notifications');
  databaseName = new URL(databaseUrl).pathname.slice(1);
  service = await startTestNotifications({
    NOTIFICATIONS_DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: broker.brokers.join(','),
    DB_CHECK_INTERVAL: '100ms',
  });
});

afterAll(async () => {
  await service?.stop();
  await broker?.stop();
});

async function invalidArgument(request: Parameters<TestNotifications['list']>[0]): Promise<{ message: string; fields: string[] }> {
  const err = await service.list(request).then(
    () => expect.unreachable('the call succeeded'),
    (e: grpc.ServiceError) => e,
  );
  expect(err.code).toBe(grpc.status.INVALID_ARGUMENT);
  const badRequest = readStatusDetails(err).find((d) => d.kind === 'BadRequest');
  const fields = badRequest?.kind === 'BadRequest' ? badRequest.value.fieldViolations.map((v) => v.field) : [];
  return { message: err.details, fields };
}

describe('ListNotifications input bounds', () => {
  it('refuses a user id that is not positive, naming user_id', async () => {
    expect(await invalidArgument({ userId: 0 })).toMatchObject({ fields: ['user_id'], message: expect.stringContaining('user_id') });
    expect((await invalidArgument({ userId: -5 })).fields).toEqual(['user_id']);
  });

  it('refuses a page size outside 0..1000, naming page_size', async () => {
    expect((await invalidArgument({ userId: 1, pageSize: 1001 })).fields).toEqual(['page_size']);
    expect((await invalidArgument({ userId: 1, pageSize: -1 })).fields).toEqual(['page_size']);
    await expect(service.list({ userId: 1, pageSize: 1000 })).resolves.toMatchObject({ notifications: [], nextPageToken: '' });
  });

  it('refuses a page token the server did not issue for this user, naming page_token', async () => {
    expect((await invalidArgument({ userId: 1, pageToken: 'garbage!' })).fields).toEqual(['page_token']);
    const othersToken = encodePageToken(2, { createdAt: new Date(), seq: 1 });
    expect((await invalidArgument({ userId: 1, pageToken: othersToken })).fields).toEqual(['page_token']);
    await expect(service.list({ userId: 2, pageToken: othersToken })).resolves.toMatchObject({ notifications: [] });
  });
});

describe('health', () => {
  it('reports NOT_SERVING and not ready while its database is down, and recovers', async () => {
    const health = new grpc.Client(
      `localhost:${service.grpcPort}`,
      clientCredentials({ caFile: path.join(repoRoot(), 'certs', 'ca.crt') }),
    );
    const check = () =>
      new Promise<string>((resolve, reject) =>
        health.makeUnaryRequest(
          healthService.Check!.path,
          healthService.Check!.requestSerialize,
          healthService.Check!.responseDeserialize,
          { service: 'notifications.v1.NotificationsService' },
          { deadline: Date.now() + 2_000 },
          (err, res) => (err ? reject(err) : resolve((res as { status: string }).status)),
        ),
      );
    const admin = new Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    try {
      await eventually('serving', check, (s) => s === 'SERVING');
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [databaseName]);
      await eventually('not serving', check, (s) => s === 'NOT_SERVING');
      expect(await service.readyz()).toBe(503);
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);
      await eventually('serving again', check, (s) => s === 'SERVING');
    } finally {
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);
      await admin.end();
      health.close();
    }
  });
});

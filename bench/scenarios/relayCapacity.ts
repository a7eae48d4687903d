// The relay at capacity: lifecycle events written while the relay is off (a backlog, as after a broker
// outage or a deploy), then a LOMS with the relay on publishes them all while Notifications records
// them. The live lifecycle point can only show as many events as its load writes; this shows how many
// the relay can take.
import { queryRow } from '../infra/queryRow';
import { postgresPids, sampleResources, type ResourceFigures } from '../infra/resourceSampler';
import { startService, type RunningService } from '../infra/serviceProcess';
import { lomsBenchClient } from '../loadgen/benchClients';
import { runLoad } from '../loadgen/runLoad';
import { lifecycleOperation } from './lifecycleOperation';
import { startLifecycleStack, waitForDrain } from './lifecycleStack';
import type { BenchContext } from './scenarioKit';

const drainTimeoutMs = 120_000;

export interface RelayCapacity {
  events: number;
  /** Events published per second between the relay's first and last acknowledged batch. */
  publishedPerSecond: number;
  /** From the first publish until the last of them was published / recorded by Notifications, in s. */
  publishedAfterS: number;
  recordedAfterS: number;
  complete: boolean;
  resources: Record<string, ResourceFigures>;
}

export async function relayCapacity(ctx: BenchContext, concurrency: number): Promise<RelayCapacity> {
  const { lomsUrl, notificationsUrl, shared, notifications } = await startLifecycleStack(ctx, 'relay_backlog');
  const lomsEnv = (relay: boolean) => ({ ...shared, LOMS_DATABASE_URL: lomsUrl, OUTBOX_RELAY_ENABLED: String(relay) });
  const started: RunningService[] = [notifications];
  try {
    const writer = await startService({ name: 'loms', root: ctx.root, env: lomsEnv(false), say: ctx.say });
    const client = lomsBenchClient(writer.grpcAddress);
    try {
      await runLoad({
        label: `relay backlog: lifecycle, ${concurrency} in flight, relay off`,
        concurrency,
        warmupMs: 0,
        durationMs: ctx.timing.durationMs,
        maxCalls: ctx.timing.maxCalls,
        operation: lifecycleOperation(client),
      });
    } finally {
      client.close();
      await writer.stop();
    }
    const { n: backlog } = await queryRow<{ n: string }>(lomsUrl, 'SELECT count(*) AS n FROM outbox');
    const events = Number(backlog);
    ctx.say(`relay backlog: ${events.toLocaleString('en-US')} events; starting LOMS with the relay on`);

    const relay = await startService({ name: 'loms', root: ctx.root, env: lomsEnv(true), say: ctx.say });
    started.push(relay);
    const sampler = sampleResources([
      { name: 'loms', pids: () => [relay.pid] },
      { name: 'notifications', pids: () => [notifications.pid] },
      { name: 'postgres', pids: () => postgresPids(ctx.infra.dataDir) },
    ]);
    const { complete } = await waitForDrain(lomsUrl, notificationsUrl, drainTimeoutMs);
    const resources = sampler.stop();

    const published = await queryRow<{ first_ms: number; last_ms: number; first_batch: string }>(
      lomsUrl,
      `SELECT extract(epoch FROM min(published_at)) * 1000 AS first_ms, extract(epoch FROM max(published_at)) * 1000 AS last_ms,
              count(*) FILTER (WHERE published_at = (SELECT min(published_at) FROM outbox)) AS first_batch
       FROM outbox`,
    );
    const recorded = await queryRow<{ last_ms: number }>(
      notificationsUrl,
      'SELECT extract(epoch FROM max(created_at)) * 1000 AS last_ms FROM notifications',
    );
    const spanS = (published.last_ms - published.first_ms) / 1000;
    return {
      events,
      // The first batch is acknowledged at the start of the span, so it is not part of the rate.
      publishedPerSecond: spanS > 0 ? (events - Number(published.first_batch)) / spanS : 0,
      publishedAfterS: spanS,
      recordedAfterS: (recorded.last_ms - published.first_ms) / 1000,
      complete,
      resources,
    };
  } finally {
    for (const s of started.reverse()) await s.stop();
  }
}

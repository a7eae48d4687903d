// What both lifecycle points start from: fresh LOMS (seeded) and Notifications databases, a topic of their
// own, and Notifications consuming it. LOMS is started by each point, with or without its relay.
import { queryRow } from '../infra/queryRow';
import { seedBenchStock } from '../infra/seedBenchData';
import { startService, type RunningService } from '../infra/serviceProcess';
import type { BenchContext } from './scenarioKit';

export interface LifecycleStack {
  lomsUrl: string;
  notificationsUrl: string;
  /** Environment LOMS must share with Notifications (broker, topic). */
  shared: Record<string, string>;
  notifications: RunningService;
}

export async function startLifecycleStack(ctx: BenchContext, name: string): Promise<LifecycleStack> {
  const lomsUrl = await ctx.infra.freshDatabase('loms', name);
  const notificationsUrl = await ctx.infra.freshDatabase('notifications', name);
  await seedBenchStock(lomsUrl);
  const shared = { KAFKA_BROKERS: ctx.infra.brokers.join(','), ORDER_STATUS_TOPIC: `bench.${name}.${Date.now()}` };
  const notifications = await startService({
    name: 'notifications',
    root: ctx.root,
    env: { ...shared, NOTIFICATIONS_DATABASE_URL: notificationsUrl },
    say: ctx.say,
  });
  return { lomsUrl, notificationsUrl, shared, notifications };
}

/** Until every outbox row is published and recorded by Notifications. */
export async function waitForDrain(
  lomsUrl: string,
  notificationsUrl: string,
  timeoutMs: number,
): Promise<{ seconds: number; complete: boolean }> {
  const started = Date.now();
  for (;;) {
    const outbox = await queryRow<{ total: string; unpublished: string }>(
      lomsUrl,
      'SELECT count(*) AS total, count(*) FILTER (WHERE published_at IS NULL) AS unpublished FROM outbox',
    );
    const recorded = await queryRow<{ n: string }>(notificationsUrl, 'SELECT count(*) AS n FROM notifications');
    const seconds = (Date.now() - started) / 1000;
    if (Number(outbox.unpublished) === 0 && Number(recorded.n) >= Number(outbox.total)) return { seconds, complete: true };
    if (Date.now() - started > timeoutMs) return { seconds, complete: false };
    await new Promise((r) => setTimeout(r, 250));
  }
}

// What both lifecycle points start from: fresh LOMS (seeded) and Notifications databases, a topic of their
// own, and Notifications consuming it. LOMS is started by each point, with or without its relay.
import { seedStock } from '../infra/seedBenchData';
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
  await seedStock(lomsUrl);
  const shared = { KAFKA_BROKERS: ctx.infra.brokers.join(','), ORDER_STATUS_TOPIC: `bench.${name}.${Date.now()}` };
  const notifications = await startService({
    name: 'notifications',
    root: ctx.root,
    env: { ...shared, NOTIFICATIONS_DATABASE_URL: notificationsUrl },
    say: ctx.say,
  });
  return { lomsUrl, notificationsUrl, shared, notifications };
}

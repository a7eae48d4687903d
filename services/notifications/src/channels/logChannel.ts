// The default channel: the notification as one structured log line, for a log pipeline to pick up.
import type { Logger } from '@shop/platform';
import type { DeliveryChannel } from '../app/deliverDueNotifications';

export function logChannel(logger: Logger): DeliveryChannel {
  return {
    name: 'log',
    deliver: async (n) => {
      logger.info({ event_id: n.eventId, user_id: n.userId, order_id: n.orderId, status: n.status, traceparent: n.traceparent }, n.message);
    },
  };
}

// notifications.v1.NotificationsService: each method's handler (one a file) behind the shared error mapping.
import { boundUnaryHandler, type Logger } from '@shop/platform';
import type { notifications } from '@shop/proto';
import type { ListNotificationsDeps } from '../../app/listNotifications';
import { handleListNotifications } from './listNotifications';
import { toGrpcError } from './toGrpcError';

export function notificationsService(deps: ListNotificationsDeps, logger: Logger): notifications.NotificationsServiceServer {
  const handler = boundUnaryHandler(toGrpcError, logger);
  return { listNotifications: handler('ListNotifications', handleListNotifications(deps)) };
}

import './tracing';
import { runService } from '@shop/platform';
import { loadNotificationsConfig } from './config';
import { serviceName } from './serviceName';
import { startNotifications } from './startNotifications';

runService({ name: serviceName, config: loadNotificationsConfig, start: startNotifications });

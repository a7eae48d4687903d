import './tracing';
import { runService } from '@shop/platform';
import { loadCheckoutConfig } from './config';
import { serviceName } from './serviceName';
import { startCheckout } from './startCheckout';

runService({ name: serviceName, config: loadCheckoutConfig, start: startCheckout });

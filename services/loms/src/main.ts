import './tracing';
import { runService } from '@shop/platform';
import { loadLomsConfig } from './config';
import { serviceName } from './serviceName';
import { startLoms } from './startLoms';

runService({ name: serviceName, config: loadLomsConfig, start: startLoms });

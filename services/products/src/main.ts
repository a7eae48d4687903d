import './tracing';
import { runService } from '@shop/platform';
import { loadProductsConfig } from './config';
import { serviceName } from './serviceName';
import { startProducts } from './startProducts';

runService({ name: serviceName, config: loadProductsConfig, start: startProducts });

import type { Warehouse } from '../domain/inventory';
import type { LomsDeps } from './ports';

export const listWarehouses = (deps: LomsDeps): Promise<Warehouse[]> => deps.inventory.listWarehouses();

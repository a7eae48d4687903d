import { IdempotencyKeyReusedError } from '../domain/errors';
import { WarehouseNotFoundError } from '../domain/inventoryErrors';
import type { WarehouseId } from '../domain/inventory';
import type { LomsDeps, Tx } from './ports';

/**
 * Runs a receipt or count in one transaction, once per idempotency key (empty: no idempotency): a retry of the
 * key gets the first answer, a concurrent one waits for it, other content under the key is refused.
 */
export function idempotentInventoryChange<R extends object>(
  deps: LomsDeps,
  request: { idempotencyKey: string; warehouseId: WarehouseId },
  change: (tx: Tx) => Promise<R>,
): Promise<R> {
  return deps.inTransaction(async (tx) => {
    const key = request.idempotencyKey;
    if (key !== '') {
      const claim = await deps.inventory.claimKey(tx, key, request);
      if (claim.kind === 'replay') return claim.response as R;
      if (claim.kind === 'usedForOther') throw new IdempotencyKeyReusedError('another inventory request');
    }
    if (!(await deps.inventory.lockWarehouse(tx, request.warehouseId))) throw new WarehouseNotFoundError(request.warehouseId);
    const result = await change(tx);
    if (key !== '') await deps.inventory.storeResponse(tx, key, result);
    return result;
  });
}

import type * as grpc from '@grpc/grpc-js';
import type { product } from '@shop/proto';
import type { Catalogue } from '../../domain/catalogue';
import type { Admit } from './admission';
import { validateGetProduct } from './validate';

export function handleGetProduct(deps: { catalogue: Catalogue; admit: Admit; countCall: (method: string) => void }) {
  return async (request: product.GetProductRequest, call: grpc.ServerUnaryCall<unknown, unknown>): Promise<product.GetProductResponse> => {
    deps.countCall('GetProduct');
    await deps.admit(call);
    validateGetProduct(request);
    const found = deps.catalogue.get(request.sku);
    return { name: found.name, price: found.priceMinorUnits };
  };
}

// product.v1.ProductService handlers over the loaded catalogue; every call is counted, then admitted.
import type { Logger } from '@shop/platform';
import { unaryHandler } from '@shop/platform';
import type { product } from '@shop/proto';
import type { Catalogue } from '../../domain/catalogue';
import type { Admit } from './admission';
import { toGrpcError } from './toGrpcError';
import { defaultListSkusCount, validateGetProduct, validateListSkus } from './validate';

export function productServiceImplementation(deps: {
  catalogue: Catalogue;
  admit: Admit;
  countCall: (method: string) => void;
  logger: Logger;
}): product.ProductServiceServer {
  return {
    getProduct: unaryHandler<product.GetProductRequest, product.GetProductResponse>(
      'GetProduct',
      async (request, call) => {
        deps.countCall('GetProduct');
        await deps.admit(call);
        validateGetProduct(request);
        const found = deps.catalogue.get(request.sku);
        return { name: found.name, price: found.priceMinorUnits };
      },
      toGrpcError,
      deps.logger,
    ),
    listSkus: unaryHandler<product.ListSkusRequest, product.ListSkusResponse>(
      'ListSkus',
      async (request, call) => {
        deps.countCall('ListSkus');
        await deps.admit(call);
        validateListSkus(request);
        return { skus: deps.catalogue.listSkus(request.startAfterSku, request.count || defaultListSkusCount) };
      },
      toGrpcError,
      deps.logger,
    ),
  };
}

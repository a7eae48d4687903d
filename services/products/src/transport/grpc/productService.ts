// product.v1.ProductService handlers (one a file) over the loaded catalogue; every call is counted, then admitted.
import { boundUnaryHandler, type Logger } from '@shop/platform';
import type { product } from '@shop/proto';
import type { Catalogue } from '../../domain/catalogue';
import type { Admit } from './admission';
import { handleGetProduct } from './getProduct';
import { handleListSkus } from './listSkus';
import { toGrpcError } from './toGrpcError';

export function productServiceImplementation(deps: {
  catalogue: Catalogue;
  admit: Admit;
  countCall: (method: string) => void;
  logger: Logger;
}): product.ProductServiceServer {
  const handler = boundUnaryHandler(toGrpcError, deps.logger);
  return {
    getProduct: handler('GetProduct', handleGetProduct(deps)),
    listSkus: handler('ListSkus', handleListSkus(deps)),
  };
}

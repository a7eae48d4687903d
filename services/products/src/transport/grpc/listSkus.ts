import type * as grpc from '@grpc/grpc-js';
import type { product } from '@shop/proto';
import type { Catalogue } from '../../domain/catalogue';
import type { Admit } from './admission';
import { defaultListSkusCount, validateListSkus } from './validate';

export function handleListSkus(deps: { catalogue: Catalogue; admit: Admit; countCall: (method: string) => void }) {
  return async (request: product.ListSkusRequest, call: grpc.ServerUnaryCall<unknown, unknown>): Promise<product.ListSkusResponse> => {
    deps.countCall('ListSkus');
    await deps.admit(call);
    validateListSkus(request);
    return { skus: deps.catalogue.listSkus(request.startAfterSku, request.count || defaultListSkusCount) };
  };
}

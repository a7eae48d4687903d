// The generated protocol types, one namespace per proto package. Rebuilt by `make gen`.
import path from 'node:path';

export * as loms from './gen/loms/v1/loms';
export * as inventory from './gen/loms/v1/inventory';
export * as checkout from './gen/checkout/v1/checkout';
export * as notifications from './gen/notifications/v1/notifications';
export * as product from './gen/product/v1/product';
export * as events from './gen/events/v1/events';
export * as rpcStatus from './gen/google/rpc/status';
export * as rpcDetails from './gen/google/rpc/error_details';
export { Any } from './gen/google/protobuf/any';

/** Binary FileDescriptorSet of every proto we serve, for server reflection. */
export const descriptorSetPath = path.join(__dirname, 'gen', 'descriptors.binpb');

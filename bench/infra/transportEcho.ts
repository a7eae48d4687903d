// The gRPC transport alone: LOMS' CreateOrder served over the same mutual TLS by a bare grpc-js server that answers
// at once, without the platform's interceptors, tracing, metrics or a database. create-order runs its load against
// it to show what the load generator and one server process cost per call before LOMS does any work.
// Run as its own process (`node --import tsx bench/infra/transportEcho.ts`); prints `listening <port>`.
import * as grpc from '@grpc/grpc-js';
import { serverCredentials } from '@shop/platform';
import { loms } from '@shop/proto';

const { TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE } = process.env;
if (!TLS_CERT_FILE || !TLS_KEY_FILE || !TLS_CLIENT_CA_FILE)
  throw new Error('TLS_CERT_FILE, TLS_KEY_FILE and TLS_CLIENT_CA_FILE are needed');

const server = new grpc.Server();
let nextOrderId = 0;
const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>) =>
  callback({ code: grpc.status.UNIMPLEMENTED, details: 'the transport echo answers CreateOrder only' });
const implementation = Object.fromEntries(Object.keys(loms.LomsServiceService).map((name) => [name, unimplemented]));
server.addService(loms.LomsServiceService, {
  ...implementation,
  createOrder: (
    _call: grpc.ServerUnaryCall<loms.CreateOrderRequest, loms.CreateOrderResponse>,
    callback: grpc.sendUnaryData<loms.CreateOrderResponse>,
  ) => callback(null, { orderId: ++nextOrderId, status: loms.OrderStatus.ORDER_STATUS_AWAITING_PAYMENT, paymentDeadline: new Date() }),
});
server.bindAsync(
  '127.0.0.1:0',
  serverCredentials({ certFile: TLS_CERT_FILE, keyFile: TLS_KEY_FILE, clientCaFile: TLS_CLIENT_CA_FILE }),
  (err, port) => {
    if (err) throw err;
    console.log(`listening ${port}`);
  },
);
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));

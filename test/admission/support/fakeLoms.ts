// A stand-in for LOMS that records, for each call, the deadline it arrived with and when its caller gave up;
// Stocks answers at once unless held, CreateOrder is always held (never answered).
import * as grpc from '@grpc/grpc-js';
import { serverCredentials } from '@shop/platform';
import { loms } from '@shop/proto';
import { certsDir } from '@shop/devstack';

export interface SeenCall {
  method: string;
  receivedAtMs: number;
  /** Epoch ms; Infinity when the call carried no deadline. */
  deadlineMs: number;
  cancelledAtMs?: number;
}

export interface FakeLoms {
  address: string;
  calls: SeenCall[];
  holdStocks: boolean;
  stop(): void;
}

export async function startFakeLoms(): Promise<FakeLoms> {
  const server = new grpc.Server();
  const fake: FakeLoms = { address: '', calls: [], holdStocks: false, stop: () => server.forceShutdown() };
  const record = (method: string, call: grpc.ServerUnaryCall<unknown, unknown>): void => {
    const deadline = call.getDeadline();
    const seen: SeenCall = { method, receivedAtMs: Date.now(), deadlineMs: deadline instanceof Date ? deadline.getTime() : deadline };
    call.on('cancelled', () => (seen.cancelledAtMs ??= Date.now()));
    fake.calls.push(seen);
  };
  const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: 'not in the fake' });
  const implementation: grpc.UntypedServiceImplementation = {
    ...Object.fromEntries(Object.keys(loms.LomsServiceService).map((name) => [name, unimplemented])),
    stocks: (call: grpc.ServerUnaryCall<loms.StocksRequest, loms.StocksResponse>, callback: grpc.sendUnaryData<loms.StocksResponse>) => {
      record('Stocks', call as grpc.ServerUnaryCall<unknown, unknown>);
      if (!fake.holdStocks) callback(null, { available: 1_000, warehouses: [] });
    },
    createOrder: (call: grpc.ServerUnaryCall<unknown, unknown>) => record('CreateOrder', call),
  };
  server.addService(loms.LomsServiceService, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      serverCredentials({ certFile: `${certsDir()}/server.crt`, keyFile: `${certsDir()}/server.key` }),
      (err, bound) => (err ? reject(err) : resolve(bound)),
    ),
  );
  fake.address = `localhost:${port}`;
  return fake;
}

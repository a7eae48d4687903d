// Generated gRPC clients over TLS that trust only certs/ca.crt, with quick reconnects (servers get restarted in
// these tests): LOMS as `admin` (or the identity given), Checkout and Notifications with an admin shopper token.
import type { ChannelOptions } from '@grpc/grpc-js';
import { callUnary, clientTarget, roundRobinLoadBalancing, type UnaryMethod } from '@shop/platform';
import { checkout, inventory, loms, notifications } from '@shop/proto';
import { type DevTokenClaims, lomsCredentials, type ServiceIdentity, shopperCredentials } from '@shop/devstack';
const quickReconnect: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 500,
};

export interface Caller<C> {
  client: C;
  call<Req, Res>(method: (c: C) => UnaryMethod<Req, Res>, request: Req, timeoutMs?: number): Promise<Res>;
  close(): void;
}

function caller<C extends { close(): void }>(client: C): Caller<C> {
  return {
    client,
    call: (method, request, timeoutMs = 10_000) => callUnary(method(client).bind(client), request, { timeoutMs }),
    close: () => client.close(),
  };
}

/** One channel over replicas on 127.0.0.1 ports, round robin, checking their dev certificates' name. */
function overReplicas(ports: number[]): [string, ChannelOptions] {
  return [
    clientTarget(ports.map((port) => `127.0.0.1:${port}`).join(',')),
    {
      ...quickReconnect,
      'grpc.service_config': JSON.stringify({ loadBalancingConfig: roundRobinLoadBalancing }),
      'grpc.ssl_target_name_override': 'localhost',
      'grpc.default_authority': 'localhost',
    },
  ];
}

export const lomsCaller = (port: number, identity: ServiceIdentity = 'admin') =>
  caller(new loms.LomsServiceClient(`localhost:${port}`, lomsCredentials(identity), quickReconnect));
export const inventoryCaller = (port: number, identity: ServiceIdentity = 'admin') =>
  caller(new inventory.InventoryServiceClient(`localhost:${port}`, lomsCredentials(identity), quickReconnect));
/** `claims` default to an admin token, which acts for any user. */
export const checkoutCaller = (port: number, claims?: DevTokenClaims) =>
  caller(new checkout.CheckoutServiceClient(`localhost:${port}`, shopperCredentials(claims), quickReconnect));
export const notificationsCaller = (port: number, claims?: DevTokenClaims) =>
  caller(new notifications.NotificationsServiceClient(`localhost:${port}`, shopperCredentials(claims), quickReconnect));

export const lomsReplicasCaller = (ports: number[], identity: ServiceIdentity = 'admin') => {
  const [target, options] = overReplicas(ports);
  return caller(new loms.LomsServiceClient(target, lomsCredentials(identity), options));
};
export const checkoutReplicasCaller = (ports: number[], claims?: DevTokenClaims) => {
  const [target, options] = overReplicas(ports);
  return caller(new checkout.CheckoutServiceClient(target, shopperCredentials(claims), options));
};

/** A user's whole notification history, oldest first (the API pages newest first). */
export async function notificationHistory(
  client: Caller<notifications.NotificationsServiceClient>,
  userId: number,
): Promise<notifications.Notification[]> {
  const all: notifications.Notification[] = [];
  let pageToken = '';
  do {
    const page = await client.call((c) => c.listNotifications, {
      userId,
      pageSize: 100,
      pageToken,
    });
    all.push(...page.notifications);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return all.reverse();
}

export const statusName = (status: loms.OrderStatus) => loms.orderStatusToJSON(status).replace('ORDER_STATUS_', '');

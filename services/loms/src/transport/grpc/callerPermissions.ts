// Who may call what on LOMS (docs/api.md, "Security"): identity = the client certificate's CN.
import type { CallerPermissions } from '@shop/platform';

export const lomsCallerPermissions: CallerPermissions = {
  checkout: [
    'loms.v1.LomsService/CreateOrder',
    'loms.v1.LomsService/GetOrder',
    'loms.v1.LomsService/ListOrders',
    'loms.v1.LomsService/CancelOrder',
    'loms.v1.LomsService/Stocks',
  ],
  payments: ['loms.v1.LomsService/OrderPayed', 'loms.v1.LomsService/GetOrder'],
  admin: ['loms.v1.LomsService/*', 'loms.v1.InventoryService/*'],
};

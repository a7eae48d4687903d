// Domain errors of the Notifications API → gRPC status. ListNotifications has none of its own:
// bad input and database outages are mapped by the platform's unaryHandler.
import type { DomainErrorMapper } from '@shop/platform';

export const toGrpcError: DomainErrorMapper = () => undefined;

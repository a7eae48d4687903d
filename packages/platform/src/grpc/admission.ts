// Admission control of a server: at most `maxInFlight` calls of its own services at once. The excess is
// refused with RESOURCE_EXHAUSTED as soon as its headers arrive, before its message is read, so that a burst
// costs a status each rather than memory and work. Health and reflection are never refused.
import * as grpc from '@grpc/grpc-js';
import { isOpenMethod, type OnRefused } from '../auth/authInterceptor';
import { peerCommonName } from '../auth/callerPermissions';

/** A call's place: given back once the call has ended and its handler, if it started, has finished. */
export interface AdmissionTicket {
  handlerStarted(): void;
  handlerFinished(): void;
}

export interface Admission {
  interceptor: grpc.ServerInterceptor;
  /** Calls holding a place now. */
  inFlight(): number;
}

// Keyed by the request's metadata object, which grpc-js hands from the interceptors to the handler.
const tickets = new WeakMap<grpc.Metadata, AdmissionTicket>();

export function admissionTicketOf(call: { metadata: grpc.Metadata }): AdmissionTicket | undefined {
  return tickets.get(call.metadata);
}

export function createAdmission(options: { maxInFlight: number; onRefused: OnRefused }): Admission {
  let inFlight = 0;
  const interceptor: grpc.ServerInterceptor = (methodDescriptor, call) => {
    const method = methodDescriptor.path.slice(1);
    if (isOpenMethod(method)) return new grpc.ServerInterceptingCall(call);
    let ticket: ReturnType<typeof newTicket> | undefined;
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, pass) {
            if (inFlight >= options.maxInFlight) {
              options.onRefused(method, grpc.status.RESOURCE_EXHAUSTED, peerCommonName(call) ?? 'anonymous', 0);
              call.sendStatus({
                code: grpc.status.RESOURCE_EXHAUSTED,
                details: `server busy: ${options.maxInFlight} calls in progress, retry with backoff`,
                metadata: new grpc.Metadata(),
              });
              return;
            }
            inFlight += 1;
            ticket = newTicket(() => (inFlight -= 1));
            tickets.set(metadata, ticket);
            pass(metadata);
          },
          // grpc-js reports the end of every call here: answered, cancelled, or past its deadline.
          onCancel() {
            ticket?.callEnded();
          },
        });
      },
    });
  };
  return { interceptor, inFlight: () => inFlight };
}

function newTicket(release: () => void): AdmissionTicket & { callEnded(): void } {
  let ended = false;
  let running = false;
  let released = false;
  const maybeRelease = () => {
    if (ended && !running && !released) {
      released = true;
      release();
    }
  };
  return {
    handlerStarted: () => {
      running = true;
    },
    handlerFinished: () => {
      running = false;
      maybeRelease();
    },
    callEnded: () => {
      ended = true;
      maybeRelease();
    },
  };
}

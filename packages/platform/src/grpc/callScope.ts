// The incoming call that the running code works for: its deadline, and a signal that fires once the caller
// has given up (cancelled, or the deadline passed), so that database work and outgoing calls stop with it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import type * as grpc from '@grpc/grpc-js';

export interface CallScope {
  /** Aborted when the caller cancels or the call's deadline passes. */
  signal: AbortSignal;
  /** Epoch milliseconds; Infinity when the caller set no deadline. */
  deadlineMs: number;
  /** For grpc-js' `parent` call option, which passes the deadline and cancellation on; none for a batch's scope. */
  call?: grpc.ServerUnaryCall<unknown, unknown>;
}

const scopes = new AsyncLocalStorage<CallScope>();

/**
 * Runs a handler inside its call's scope (the platform's gRPC server does this for every method). The handler
 * calls `answered` once it has answered: grpc-js reports the end of every call as a cancellation, and an
 * answered call has nothing left to stop.
 */
export function runInCallScope<T>(call: grpc.ServerUnaryCall<unknown, unknown>, run: (answered: () => void) => T): T {
  const controller = new AbortController();
  // Every wait of the call listens on its one signal (a cart of 30 SKUs: 30 product lookups); no leak to warn of.
  setMaxListeners(0, controller.signal);
  const giveUp = () => controller.abort(new CallCancelledError());
  if (call.cancelled) giveUp();
  else call.once('cancelled', giveUp);
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
  return scopes.run({ signal: controller.signal, deadlineMs, call }, () => run(() => call.off('cancelled', giveUp)));
}

export function currentCallScope(): CallScope | undefined {
  return scopes.getStore();
}

/**
 * Runs work that serves several calls at once (a batch) in a scope of its own: it gives up only once every one of
 * them has given up, and its deadline is the latest of theirs. Work that also serves something outside a call
 * (a worker) never gives up.
 */
export function runForCalls<T>(calls: (CallScope | undefined)[], run: () => T): T {
  const members = calls.filter((c): c is CallScope => c !== undefined);
  if (members.length === 0 || members.length < calls.length) return scopes.exit(run);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  let waiting = members.length;
  const oneGaveUp = () => {
    waiting -= 1;
    if (waiting === 0) controller.abort(new CallCancelledError());
  };
  for (const m of members) {
    if (m.signal.aborted) oneGaveUp();
    else m.signal.addEventListener('abort', oneGaveUp, { once: true });
  }
  return scopes.run({ signal: controller.signal, deadlineMs: Math.max(...members.map((m) => m.deadlineMs)) }, run);
}

/**
 * Options for a call made on behalf of the current incoming call: our own deadline, cut to the caller's
 * remaining time, and cancelled when the caller gives up.
 */
export function callOptionsWithin(timeoutMs: number): Partial<grpc.CallOptions> {
  const scope = currentCallScope();
  const own = Date.now() + timeoutMs;
  if (!scope) return { deadline: own };
  return { deadline: Math.min(own, scope.deadlineMs), ...(scope.call ? { parent: scope.call } : {}) };
}

/** The caller gave up: nothing done for it any more can reach it. */
export class CallCancelledError extends Error {
  readonly code = 'CALL_CANCELLED';
  constructor() {
    super('the caller cancelled the call or its deadline passed');
    this.name = 'CallCancelledError';
  }
}

/** Waits for `work` only as long as the current caller does; the work itself goes on (others may share it). */
export function whileCallerWaits<T>(work: Promise<T>): Promise<T> {
  const signal = currentCallScope()?.signal;
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new CallCancelledError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CallCancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

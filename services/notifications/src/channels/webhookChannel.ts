// Delivers a notification as a signed JSON POST; each attempt has a timeout, failures back off exponentially, a bounded number of times.
import type { DeliveryChannel } from '../app/deliverDueNotifications';
import type { Notification } from '../domain/notification';
import { webhookSigner, type WebhookSigner } from './webhookSignature';

export interface WebhookOptions {
  url: string;
  attemptTimeoutMs: number;
  maxAttempts: number;
  /** Pause after the first failed attempt; doubles after each further one. */
  backoffMs: number;
  /** Standard Webhooks secret (`whsec_` + base64, or bare base64) that signs every attempt. */
  secret: string;
  /** Injected so tests need not wait. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The time each attempt is signed with; injected so tests can tell attempts apart. */
  clock?: () => Date;
}

const w3cTraceparent = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export class WebhookRejectedError extends Error {
  constructor(
    readonly httpStatus: number | undefined,
    reason: string,
  ) {
    super(reason);
    this.name = 'WebhookRejectedError';
  }
}

export function webhookChannel(options: WebhookOptions): DeliveryChannel {
  const sleep = options.sleep ?? abortableSleep;
  const clock = options.clock ?? (() => new Date());
  const sign = webhookSigner(options.secret);
  return {
    name: 'webhook',
    deliver: async (notification, signal) => {
      const body = JSON.stringify(payloadOf(notification));
      for (let attempt = 1; ; attempt++) {
        // Every attempt carries the same webhook-id and a fresh timestamp, so receivers dedupe and still reject replays.
        const failure = await post(options, sign, notification, body, clock(), signal);
        if (failure === undefined) return;
        const worthRetrying =
          failure.httpStatus === undefined || failure.httpStatus >= 500 || failure.httpStatus === 408 || failure.httpStatus === 429;
        if (!worthRetrying || attempt >= options.maxAttempts || signal.aborted) throw failure;
        await sleep(options.backoffMs * 2 ** (attempt - 1), signal);
      }
    },
  };
}

/** Returns undefined on a 2xx answer, the failure otherwise. */
async function post(
  options: WebhookOptions,
  sign: WebhookSigner,
  n: Notification,
  body: string,
  at: Date,
  signal: AbortSignal,
): Promise<WebhookRejectedError | undefined> {
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': n.eventId,
        ...sign(n.eventId, body, at),
        // Stored as the event carried it: only a well-formed one is passed on (anything else could not even be sent).
        ...(n.traceparent && w3cTraceparent.test(n.traceparent) ? { traceparent: n.traceparent } : {}),
      },
      body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(options.attemptTimeoutMs)]),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? undefined : new WebhookRejectedError(response.status, `webhook answered HTTP ${response.status}`);
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `no answer in ${options.attemptTimeoutMs} ms` : (err as Error).message;
    return new WebhookRejectedError(undefined, `webhook unreachable: ${reason}`);
  }
}

function payloadOf(n: Notification): Record<string, unknown> {
  return {
    event_id: n.eventId,
    user_id: n.userId,
    order_id: n.orderId,
    status: n.status,
    message: n.message,
    occurred_at: n.occurredAt.toISOString(),
    created_at: n.createdAt.toISOString(),
  };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

// Standard Webhooks signing of a webhook POST, with the same secret format (`whsec_` + base64) that receivers' libraries take.
import { Webhook } from 'standardwebhooks';

const secretPrefix = 'whsec_';
/** Standard Webhooks asks for a key of 24 to 64 random bytes; a shorter one is guessable in practice. */
const minimumKeyBytes = 24;

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Signs `<id>.<timestamp>.<body>` with HMAC-SHA256; the timestamp is the one of `at`, in Unix seconds. */
export type WebhookSigner = (id: string, body: string, at: Date) => SignedHeaders;

export function webhookSigner(secret: string): WebhookSigner {
  const webhook = new Webhook(secret);
  return (id, body, at) => ({
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': webhook.sign(id, at, body),
  });
}

/** Why a secret cannot sign, or undefined when it can; never mentions the secret itself. */
export function webhookSecretProblem(secret: string): string | undefined {
  const encoded = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret;
  try {
    // Decoded by the library itself, so that what start-up accepts is what signing (and a receiver) accepts.
    new Webhook(secret);
  } catch {
    return 'must be base64, optionally prefixed with whsec_';
  }
  const keyBytes = Buffer.from(encoded, 'base64').length;
  return keyBytes < minimumKeyBytes ? `must decode to at least ${minimumKeyBytes} bytes (it has ${keyBytes})` : undefined;
}

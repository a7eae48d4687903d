import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookSecretProblem, webhookSigner } from './webhookSignature';

const key = randomBytes(32);
const body = '{"event_id":"e-1","status":"PAYED"}';

describe('webhookSigner', () => {
  it('signs <id>.<timestamp>.<body> with HMAC-SHA256 keyed with the base64 part of a whsec_ secret', () => {
    const at = new Date();
    const headers = webhookSigner(`whsec_${key.toString('base64')}`)('e-1', body, at);

    const timestamp = String(Math.floor(at.getTime() / 1000));
    expect(headers['webhook-id']).toBe('e-1');
    expect(headers['webhook-timestamp']).toBe(timestamp);
    expect(headers['webhook-signature']).toBe(`v1,${createHmac('sha256', key).update(`e-1.${timestamp}.${body}`).digest('base64')}`);
    expect(() => new Webhook(`whsec_${key.toString('base64')}`).verify(body, { ...headers })).not.toThrow();
  });

  it('takes a bare base64 secret as the same key as its whsec_ form', () => {
    const at = new Date();
    const bare = webhookSigner(key.toString('base64'))('e-2', body, at);
    expect(bare).toEqual(webhookSigner(`whsec_${key.toString('base64')}`)('e-2', body, at));
    expect(() => new Webhook(`whsec_${key.toString('base64')}`).verify(body, { ...bare })).not.toThrow();
  });
});

describe('webhookSecretProblem', () => {
  it('accepts 24 or more random bytes, prefixed or bare', () => {
    expect(webhookSecretProblem(`whsec_${randomBytes(24).toString('base64')}`)).toBeUndefined();
    expect(webhookSecretProblem(randomBytes(64).toString('base64'))).toBeUndefined();
  });

  it.each([
    ['not base64', 'whsec_not*base64!'],
    ['badly padded', 'whsec_abc'],
    ['empty after the prefix', 'whsec_'],
    ['shorter than 24 bytes', `whsec_${randomBytes(16).toString('base64')}`],
  ])('refuses a secret that is %s, without repeating it', (_why, secret) => {
    const problem = webhookSecretProblem(secret);
    const encoded = secret.slice('whsec_'.length);
    expect(problem).toBeDefined();
    if (encoded !== '') expect(problem).not.toContain(encoded);
  });
});

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatusDetails } from '../grpc/statusError';
import { createTokenVerifier, shopperTokens, type ShopperTokenSettings, type TokenVerifier } from './shopperTokens';

let privateKey: CryptoKey;
let publicKeyFile: string;
let dir: string;
const startSec = 2_000_000_000;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokens-'));
  publicKeyFile = path.join(dir, 'signing.pub');
  fs.writeFileSync(publicKeyFile, await exportSPKI(pair.publicKey));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sign(claims: Record<string, unknown> = {}, options: { sub?: string; exp?: number; key?: CryptoKey; iss?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(options.sub ?? '7')
    .setIssuer(options.iss ?? 'shop-dev')
    .setAudience('shop')
    .setExpirationTime(options.exp ?? startSec + 600)
    .sign(options.key ?? privateKey);
}

const clock = { nowMs: startSec * 1000 };
const verifierWith = (settings: Partial<ShopperTokenSettings> = {}) =>
  createTokenVerifier({ publicKeyFile, issuer: 'shop-dev', audience: 'shop', nowMs: () => clock.nowMs, ...settings });

async function reasonOf(verify: () => unknown): Promise<string> {
  try {
    await verify();
  } catch (err) {
    const info = readStatusDetails(err as grpc.ServiceError).find((d) => d.kind === 'ErrorInfo');
    return `${grpc.status[(err as grpc.ServiceError).code]} ${info?.kind === 'ErrorInfo' ? info.value.reason : ''}`;
  }
  return 'accepted';
}

describe('shopper token verification', () => {
  let verifier: TokenVerifier;
  beforeAll(async () => {
    verifier = await verifierWith();
  });

  it('verifies a token once and then answers from the cache, without a promise', async () => {
    const token = await sign({}, { sub: '41' });
    const first = verifier.verify(token);
    expect(first).toBeInstanceOf(Promise);
    expect(verifier.verify(token)).toBe(first);
    await expect(first).resolves.toEqual({ caller: 'shopper', userId: 41, admin: false });
    expect(verifier.verify(token)).toEqual({ caller: 'shopper', userId: 41, admin: false });
  });

  it('reads admin from a space-separated scope', async () => {
    await expect(verifier.verify(await sign({ scope: 'orders:read admin' }, { sub: '3' }))).resolves.toEqual({
      caller: 'admin',
      userId: 3,
      admin: true,
    });
    await expect(verifier.verify(await sign({ scope: 'administrator' }, { sub: '3' }))).resolves.toMatchObject({ admin: false });
  });

  it('keeps 30 s of leeway past exp, then refuses the token even from the cache', async () => {
    const token = await sign({}, { exp: startSec + 10 });
    clock.nowMs = (startSec + 35) * 1000;
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 7 });
    clock.nowMs = (startSec + 41) * 1000;
    expect(await reasonOf(() => verifier.verify(token))).toBe('UNAUTHENTICATED TOKEN_EXPIRED');
    clock.nowMs = startSec * 1000;
  });

  it('refuses another key, another issuer, a sub that is no user id, and alg none or HS256', async () => {
    const other = (await generateKeyPair('ES256')).privateKey;
    expect(await reasonOf(() => verifier.verify('e30.e30.'))).toBe('UNAUTHENTICATED TOKEN_INVALID');
    expect(await reasonOf(async () => verifier.verify(await sign({}, { key: other })))).toBe('UNAUTHENTICATED TOKEN_INVALID');
    expect(await reasonOf(async () => verifier.verify(await sign({}, { iss: 'someone-else' })))).toBe('UNAUTHENTICATED TOKEN_INVALID');
    for (const sub of ['0', '-1', '7.5', 'seven', '99999999999999999999'])
      expect(await reasonOf(async () => verifier.verify(await sign({}, { sub }))), sub).toBe('UNAUTHENTICATED TOKEN_INVALID');
    const body = Buffer.from(JSON.stringify({ sub: '7', iss: 'shop-dev', aud: 'shop', exp: startSec + 600 })).toString('base64url');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    expect(await reasonOf(() => verifier.verify(none))).toBe('UNAUTHENTICATED TOKEN_INVALID');
    const hs256 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('7')
      .setIssuer('shop-dev')
      .setAudience('shop')
      .setExpirationTime(startSec + 600)
      .sign(new TextEncoder().encode(fs.readFileSync(publicKeyFile, 'utf8')));
    expect(await reasonOf(() => verifier.verify(hs256))).toBe('UNAUTHENTICATED TOKEN_INVALID');
  });

  it('holds at most maxCachedTokens, dropping the oldest', async () => {
    const small = await verifierWith({ maxCachedTokens: 2 });
    const tokens = await Promise.all(['1', '2', '3'].map((sub) => sign({}, { sub })));
    for (const token of tokens) await small.verify(token);
    expect(small.verify(tokens[2]!)).not.toBeInstanceOf(Promise);
    expect(small.verify(tokens[1]!)).not.toBeInstanceOf(Promise);
    expect(small.verify(tokens[0]!)).toBeInstanceOf(Promise);
  });

  it('answers every authorization header with a principal or UNAUTHENTICATED, never anything else', async () => {
    const authenticate = shopperTokens(verifier);
    const valid = await sign();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `Bearer ${s}`),
          fc.nat({ max: valid.length - 1 }).map((i) => `Bearer ${valid.slice(0, i)}${valid[i] === 'A' ? 'B' : 'A'}${valid.slice(i + 1)}`),
        ),
        async (header) => {
          const metadata = new grpc.Metadata();
          if (header !== '') metadata.set('authorization', header);
          const outcome = await reasonOf(() => authenticate('checkout.v1.CheckoutService/ListCart', {} as never, metadata));
          expect(['accepted', 'UNAUTHENTICATED TOKEN_MISSING', 'UNAUTHENTICATED TOKEN_INVALID']).toContain(outcome);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('tokens of an identity provider (JWKS)', () => {
  let server: http.Server;
  let jwksUrl: string;
  beforeAll(async () => {
    const publicJwk = await exportJWK(
      await crypto.subtle.importKey('spki', pemBody(fs.readFileSync(publicKeyFile, 'utf8')), { name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'verify',
      ]),
    );
    server = http.createServer((_req, res) => res.end(JSON.stringify({ keys: [{ ...publicJwk, alg: 'ES256', use: 'sig' }] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies with the key set it fetches, and answers UNAVAILABLE when the set cannot be fetched', async () => {
    const verifier = await verifierWith({ jwksUrl, publicKeyFile: '/nonexistent' });
    await expect(verifier.verify(await sign({}, { sub: '12' }))).resolves.toMatchObject({ userId: 12 });
    const unreachable = await verifierWith({ jwksUrl: 'http://127.0.0.1:9/jwks.json', publicKeyFile: '/nonexistent' });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${await sign()}`);
    expect(await reasonOf(() => shopperTokens(unreachable)('x/y', {} as never, metadata))).toBe('UNAVAILABLE ');
  });
});

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
}

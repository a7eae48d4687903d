// `authorization` metadata a careless or hostile client sends: junk, near-misses of a bearer token, forged
// and tampered JWTs, and real tokens for some user, each labelled with what the server must make of it.
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { generateKeyPair, SignJWT } from 'jose';
import { certsDir, devToken } from '@shop/devstack';

export interface AuthorizationSample {
  /** undefined: no authorization header at all. */
  header: string | undefined;
  /** The user a valid token speaks for; undefined when the token must be refused (UNAUTHENTICATED). */
  validFor?: { userId: number; admin: boolean };
}

const b64url = (s: string | Uint8Array) => Buffer.from(s).toString('base64url');
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 });
const tokenChars = fc.string({ unit: fc.constantFrom(...'abcXYZ019_-.'.split('')), maxLength: 300 });

/** The signature with one bit of its tenth byte flipped (editing the last base64 digit may change nothing). */
function flipBit(signature: string): string {
  const bytes = Buffer.from(signature, 'base64url');
  bytes[10] = (bytes[10] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

/** Tokens that need signing, made once: real ones, and forgeries a verifier must refuse. */
export interface SignedSamples {
  valid: AuthorizationSample[];
  forged: string[];
}

export async function signedSamples(userIds: number[]): Promise<SignedSamples> {
  const valid: AuthorizationSample[] = [];
  for (const userId of userIds) {
    valid.push({ header: `Bearer ${await devToken({ userId })}`, validFor: { userId, admin: false } });
    valid.push({ header: `bearer   ${await devToken({ userId })}`, validFor: { userId, admin: false } });
  }
  valid.push({ header: `Bearer ${await devToken({ userId: 1, admin: true })}`, validFor: { userId: 1, admin: true } });

  const claims = { sub: '1', iss: 'shop-dev', aud: 'shop', scope: 'admin' };
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const good = await devToken({ userId: 1, admin: true });
  const [h, p, s] = good.split('.') as [string, string, string];
  const foreign = await generateKeyPair('ES256');
  const publicPem = fs.readFileSync(path.join(certsDir(), 'jwt', 'signing.pub'));
  const forged = [
    await devToken({ userId: 1, expiresInSec: -3600 }),
    await devToken({ userId: 1, issuer: 'someone-else' }),
    await devToken({ userId: 1, audience: 'other' }),
    await devToken({ userId: '0' }),
    await devToken({ userId: '-1' }),
    await devToken({ userId: '9007199254740993' }),
    await devToken({ userId: '1e3' }),
    await devToken({ userId: ' 1' }),
    await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setExpirationTime(exp).sign(foreign.privateKey),
    // The public key used as an HMAC secret: the classic algorithm confusion.
    await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(exp).sign(new Uint8Array(publicPem)),
    `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify({ ...claims, exp }))}.`,
    `${h}.${b64url(JSON.stringify({ ...claims, sub: '2', exp }))}.${s}`,
    `${h}.${p}.${flipBit(s)}`,
    `${h}.${p}`,
    `${h}.${p}.${s}.${s}`,
    `${h}..${s}`,
  ];
  return { valid, forged };
}

/** Every kind of authorization header, valid ones included at a low rate. */
export function authorizationSamples(signed: SignedSamples): fc.Arbitrary<AuthorizationSample> {
  const refused = (header: fc.Arbitrary<string | undefined>) => header.map((h): AuthorizationSample => ({ header: h }));
  const segment = fc.oneof(fc.json().map(b64url), fc.uint8Array({ maxLength: 80 }).map(b64url), tokenChars);
  return fc.oneof(
    refused(
      fc.constantFrom(undefined, '', ' ', 'Bearer', 'Bearer ', 'Bearer  ', 'bearer', 'Basic dXNlcjpwYXNz', 'Token abc', 'Bearer a b'),
    ),
    refused(printable),
    refused(tokenChars.map((t) => `Bearer ${t}`)),
    refused(fc.tuple(segment, segment, segment).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`)),
    refused(fc.constantFrom(...signed.forged).map((t) => `Bearer ${t}`)),
    refused(fc.constantFrom(...signed.forged)),
    refused(fc.integer({ min: 4_000, max: 7_000 }).map((n) => `Bearer ${'a'.repeat(n)}`)),
    fc.constantFrom(...(signed.valid.length > 0 ? signed.valid : [{ header: undefined }])),
  );
}

export function metadataOf(sample: AuthorizationSample): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (sample.header !== undefined) metadata.set('authorization', sample.header);
  return metadata;
}

/** Plain metadata arbitraries for servers that do not read the header (LOMS decides by certificate). */
export function authorizationMetadata(signed: SignedSamples): fc.Arbitrary<grpc.Metadata> {
  return authorizationSamples(signed).map(metadataOf);
}

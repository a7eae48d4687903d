// Shopper identities: ES256 bearer tokens, verified once per distinct token and cached until they expire.
import fs from 'node:fs';
import { createRemoteJWKSet, errors as joseErrors, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import * as grpc from '@grpc/grpc-js';
import { isStatusError, statusError } from '../grpc/statusError';
import type { Authenticate } from './authInterceptor';
import { unauthenticated } from './authErrors';
import type { Principal } from './principal';

export interface ShopperTokenSettings {
  /** PEM (SPKI) public key that signs tokens; ignored when `jwksUrl` is given. */
  publicKeyFile: string;
  /** A JSON Web Key Set of an identity provider, fetched and refreshed by jose. */
  jwksUrl?: string;
  issuer: string;
  audience: string;
  clockToleranceSec?: number;
  maxCachedTokens?: number;
  nowMs?: () => number;
}

export interface TokenVerifier {
  /** The principal of a token; throws the UNAUTHENTICATED status (or UNAVAILABLE when the key set cannot be fetched). */
  verify(token: string): Principal | Promise<Principal>;
}

const algorithm = 'ES256';
const userIdPattern = /^[1-9]\d*$/;

export async function createTokenVerifier(settings: ShopperTokenSettings): Promise<TokenVerifier> {
  const key = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : await readPublicKey(settings.publicKeyFile);
  const toleranceSec = settings.clockToleranceSec ?? 30;
  const maxCached = settings.maxCachedTokens ?? 10_000;
  const nowMs = settings.nowMs ?? Date.now;
  const cache = new Map<string, { principal: Principal; validUntilMs: number }>();
  const pending = new Map<string, Promise<Principal>>();

  const verifyAndCache = async (token: string): Promise<Principal> => {
    try {
      const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
        algorithms: [algorithm],
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: toleranceSec,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(nowMs()),
      });
      const principal = principalFromClaims(payload);
      if (cache.size >= maxCached) cache.delete(cache.keys().next().value as string);
      cache.set(token, { principal, validUntilMs: ((payload.exp as number) + toleranceSec) * 1000 });
      return principal;
    } catch (err) {
      throw tokenFailure(err);
    } finally {
      pending.delete(token);
    }
  };

  return {
    verify(token) {
      const cached = cache.get(token);
      if (cached && cached.validUntilMs > nowMs()) return cached.principal;
      if (cached) cache.delete(token);
      let verifying = pending.get(token);
      if (!verifying) {
        verifying = verifyAndCache(token);
        pending.set(token, verifying);
      }
      return verifying;
    },
  };
}

/** Reads `authorization: Bearer <token>` and asks the verifier who it is. */
export function shopperTokens(verifier: TokenVerifier): Authenticate {
  return (_method, _call, metadata) => {
    const header = metadata.get('authorization')[0];
    if (header === undefined || header === '') throw unauthenticated('TOKEN_MISSING');
    const match = typeof header === 'string' ? /^Bearer +([\w.-]+)$/i.exec(header.trim()) : null;
    if (!match?.[1]) throw unauthenticated('TOKEN_INVALID');
    return verifier.verify(match[1]);
  };
}

function principalFromClaims(payload: JWTPayload): Principal {
  if (typeof payload.sub !== 'string' || !userIdPattern.test(payload.sub) || !Number.isSafeInteger(Number(payload.sub)))
    throw unauthenticated('TOKEN_INVALID');
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  const admin = scopes.includes('admin');
  return { caller: admin ? 'admin' : 'shopper', userId: Number(payload.sub), admin };
}

function tokenFailure(err: unknown): unknown {
  if (isStatusError(err)) return err;
  if (err instanceof joseErrors.JWTExpired) return unauthenticated('TOKEN_EXPIRED');
  // The key set of an identity provider could not be fetched: not the token's fault.
  if (err instanceof joseErrors.JWKSTimeout || !(err instanceof joseErrors.JOSEError))
    return statusError(grpc.status.UNAVAILABLE, 'the key set that verifies tokens cannot be fetched');
  return unauthenticated('TOKEN_INVALID');
}

async function readPublicKey(file: string) {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file} (AUTH_JWT_PUBLIC_KEY_FILE): ${(err as Error).message}; run \`make certs\``);
  }
  try {
    return await importSPKI(pem, algorithm);
  } catch (err) {
    throw new Error(`${file} (AUTH_JWT_PUBLIC_KEY_FILE) is not a P-256 public key in PEM: ${(err as Error).message}`);
  }
}

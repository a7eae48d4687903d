// Signs a shopper token with the dev key of `make certs` (what a real identity provider does in production).
import fs from 'node:fs';
import path from 'node:path';
import { importPKCS8, SignJWT } from 'jose';

export interface DevTokenClaims {
  userId: number | string;
  admin?: boolean;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token that has already expired. */
  expiresInSec?: number;
}

const keys = new Map<string, ReturnType<typeof importPKCS8>>();

export async function signDevToken(
  certsDir: string,
  claims: DevTokenClaims,
  keyFile = path.join(certsDir, 'jwt', 'signing.key'),
): Promise<string> {
  let key = keys.get(keyFile);
  if (!key) {
    key = importPKCS8(fs.readFileSync(keyFile, 'utf8'), 'ES256');
    keys.set(keyFile, key);
  }
  const nowSec = Math.floor(Date.now() / 1000);
  return new SignJWT(claims.admin ? { scope: 'admin' } : {})
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setSubject(String(claims.userId))
    .setIssuer(claims.issuer ?? 'shop-dev')
    .setAudience(claims.audience ?? 'shop')
    .setIssuedAt(nowSec)
    .setExpirationTime(nowSec + (claims.expiresInSec ?? 3600))
    .sign(await key);
}

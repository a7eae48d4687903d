// What a shopper token costs Checkout and Notifications: the first verification of a token (ES256) and
// every later one (the cache), measured in this process with the dev signing pair.
import path from 'node:path';
import { createTokenVerifier } from '@shop/platform';
import { devToken } from '@shop/devstack';
import type { BenchContext, ScenarioResult } from './scenarioKit';

const distinctTokens = 2_000;
const cachedCalls = 200_000;

export async function tokenVerificationScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const verifier = await createTokenVerifier({
    publicKeyFile: path.join(ctx.root, 'certs', 'jwt', 'signing.pub'),
    issuer: 'shop-dev',
    audience: 'shop',
  });
  const tokens = await Promise.all(Array.from({ length: distinctTokens }, (_, i) => devToken({ userId: i + 1 })));
  // Warm the code paths (and the JIT) on tokens that are not measured afterwards.
  for (const token of tokens.slice(0, 200)) await verifier.verify(token);

  const measured = tokens.slice(200);
  let started = process.hrtime.bigint();
  for (const token of measured) await verifier.verify(token);
  const coldUs = Number(process.hrtime.bigint() - started) / 1e3 / measured.length;

  const hot = tokens[0]!;
  started = process.hrtime.bigint();
  for (let i = 0; i < cachedCalls; i++) {
    const principal = verifier.verify(hot);
    if (principal instanceof Promise) throw new Error('a cached token was verified again');
  }
  const cachedUs = Number(process.hrtime.bigint() - started) / 1e3 / cachedCalls;
  ctx.say(`token verification: ${coldUs.toFixed(1)} µs cold, ${cachedUs.toFixed(3)} µs cached`);

  return {
    name: 'token-verification',
    title: 'token-verification: a shopper token, first and later verifications',
    tables: [
      {
        caption: `ES256 verification with jose in one Node process (no gRPC): ${measured.length.toLocaleString('en-US')} distinct tokens verified once each (cold), then one token ${cachedCalls.toLocaleString('en-US')} times (served by the cache until it expires).`,
        headers: ['verification', 'µs per token', 'tokens/s on one core'],
        rows: [
          ['first (cold)', coldUs.toFixed(1), Math.round(1e6 / coldUs).toLocaleString('en-US')],
          ['later (cached)', cachedUs.toFixed(3), Math.round(1e6 / cachedUs).toLocaleString('en-US')],
        ],
      },
    ],
    resources: {},
    verdicts: [],
    notes: [],
    raw: { coldUs, cachedUs, distinctTokens: measured.length, cachedCalls },
  };
}

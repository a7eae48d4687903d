// The fuzz tests every service's gRPC fuzz declares alike, over a target its file starts in beforeAll (hence
// the getter: the target exists only once the tests run).
import { afterEach, it } from 'vitest';
import {
  expectPastTheBounds,
  expectServing,
  hostileFieldValues,
  idsBeyondSafeIntegers,
  messageSizeLimit,
  readableMalformedBytes,
  unreadableBytes,
  type CodeTally,
  type FuzzTarget,
} from './fuzzProperties';

/** After every test of the file the server still reports SERVING (no target: start-up failed, and said so). */
export function expectServingAfterEach(target: () => FuzzTarget | undefined): void {
  afterEach(async () => {
    const started = target();
    if (started) await expectServing(started);
  });
}

export interface FuzzedRequestsOptions {
  hostileRuns: number;
  malformedRuns: number;
  /** The hostile-values test's title, where the service's bounds read otherwise. */
  hostileTitle?: string;
}

/** Hostile values in every field, bytes the decoder reads but no encoder writes, and the 4 MiB limit. */
export function itAnswersFuzzedRequests(target: () => FuzzTarget, options: FuzzedRequestsOptions): void {
  const hostileTitle =
    options.hostileTitle ??
    'answers hostile values in every field of every method with a documented code and names every out-of-bounds field';
  it(
    hostileTitle,
    async () => {
      const tally: CodeTally = new Map();
      await hostileFieldValues(target(), options.hostileRuns, { tally });
      expectPastTheBounds(target(), tally);
    },
    60_000,
  );

  it('answers request bytes that no encoder writes but the decoder reads with a documented code', async () => {
    await readableMalformedBytes(target(), options.malformedRuns);
  }, 60_000);

  it('reads a request of exactly 4 MiB and refuses 4 MiB + 1 byte with RESOURCE_EXHAUSTED', async () => {
    await messageSizeLimit(target());
  });
}

export interface DecoderLimitsOptions {
  /** The ids-beyond-2^53 test's title; none for a service whose requests hold no 64-bit id. */
  idsTitle?: string;
}

/** Bytes the decoder cannot read, and 64-bit ids a JavaScript number cannot hold. */
export function itRefusesWhatTheDecoderCannotHold(target: () => FuzzTarget, options: DecoderLimitsOptions = {}): void {
  // Truncated varints, wire types 6/7, lengths past the end, groups nested > 100 deep: grpc-js would answer
  // INTERNAL for a deserializer that throws, yet bytes it cannot read are the caller's error.
  it('answers request bytes the decoder cannot read with INVALID_ARGUMENT, never INTERNAL', async () => {
    await unreadableBytes(target(), 50);
  });

  // The generated decoder throws for |int64| > 2^53 - 1 (GetOrder{order_id: 9007199254740992}), before any handler.
  if (options.idsTitle)
    it(options.idsTitle, async () => {
      await idsBeyondSafeIntegers(target(), 50);
    });
}

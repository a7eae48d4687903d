// Where an event stands in its order's history, by its version against the highest version recorded for the order.
// An order's latest status is the one of its highest version: an event older than that never replaces it.

export type VersionPlace =
  /** Version 0: the producer did not number it; recorded and shown as it comes. */
  | { kind: 'unversioned' }
  /** The version right after the latest (1 for an order's first event). */
  | { kind: 'next' }
  /** Newer than the latest with versions missing in between (not arrived, or arriving out of order). */
  | { kind: 'after-gap'; missing: number }
  /** Not newer than the latest: an older event that arrived after a newer one (or that version again). */
  | { kind: 'stale' };

/** `latestVersion` is 0 when no numbered event of the order has been recorded. */
export function placeOf(version: number, latestVersion: number): VersionPlace {
  if (version === 0) return { kind: 'unversioned' };
  if (version <= latestVersion) return { kind: 'stale' };
  if (version === latestVersion + 1) return { kind: 'next' };
  return { kind: 'after-gap', missing: version - latestVersion - 1 };
}

/** The event's version becomes the order's latest. */
export function becomesLatest(place: VersionPlace): boolean {
  return place.kind === 'next' || place.kind === 'after-gap';
}

// What becomes of each event of a batch, decided as if the events were recorded one after the other in batch order:
// the same rule as one event at a time (an event id once, an order's version once, placeOf for the rest).
import type { Notification } from './notification';
import { becomesLatest, placeOf } from './orderVersion';

/** What is already stored for the batch's events: their event ids and (order, version) pairs found in the table. */
export interface RecordedKeys {
  eventIds: ReadonlySet<string>;
  /** `orderVersionKey(orderId, version)` of numbered events. */
  orderVersions: ReadonlySet<string>;
}

export type BatchDecision =
  | { kind: 'duplicate' }
  /** Stored, listed and delivered; `afterGap` when versions of its order before it had not been recorded. */
  | { kind: 'latest'; afterGap: boolean }
  /** Stored so that it stays a duplicate, neither listed nor delivered. */
  | { kind: 'superseded' };

export interface BatchPlan {
  /** One a notification, in the batch's order. */
  decisions: BatchDecision[];
  /** The orders whose latest version the batch raises, with the new latest. */
  raisedLatest: Map<number, number>;
}

export const orderVersionKey = (orderId: number, version: number) => `${orderId}:${version}`;

/** `latestByOrder`: each numbered order's latest recorded version (missing or 0: none). */
export function planStatusChanges(
  notifications: readonly Notification[],
  recorded: RecordedKeys,
  latestByOrder: ReadonlyMap<number, number>,
): BatchPlan {
  const eventIds = new Set(recorded.eventIds);
  const orderVersions = new Set(recorded.orderVersions);
  const latest = new Map(latestByOrder);
  const raisedLatest = new Map<number, number>();
  const decisions = notifications.map((n): BatchDecision => {
    if (eventIds.has(n.eventId)) return { kind: 'duplicate' };
    if (n.version === 0) {
      eventIds.add(n.eventId);
      return { kind: 'latest', afterGap: false };
    }
    const key = orderVersionKey(n.orderId, n.version);
    if (orderVersions.has(key)) return { kind: 'duplicate' };
    eventIds.add(n.eventId);
    orderVersions.add(key);
    const place = placeOf(n.version, latest.get(n.orderId) ?? 0);
    if (!becomesLatest(place)) return { kind: 'superseded' };
    latest.set(n.orderId, n.version);
    raisedLatest.set(n.orderId, n.version);
    return { kind: 'latest', afterGap: place.kind === 'after-gap' };
  });
  return { decisions, raisedLatest };
}

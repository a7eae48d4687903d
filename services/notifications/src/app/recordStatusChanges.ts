// Records a batch of order status events (a partition's messages in order) in one transaction with one multi-row insert,
// each event exactly as recordStatusChange would record it on its own. A batch the database refuses for the values of
// one of its events is recorded one event at a time instead, so that only that event is refused.
import type { Queryable } from '@shop/platform';
import type { Notification } from '../domain/notification';
import { InvalidStatusChangeError, notificationOf, validateStatusChange, type StatusChangeCandidate } from '../domain/statusChange';
import { planStatusChanges, type BatchDecision } from '../domain/statusChangeBatch';
import { RejectedByStorageError, type NotificationsStore } from './ports';
import { recordStatusChange, type RecordOutcome, type RecordStatusChangeDeps } from './recordStatusChange';

export interface RecordStatusChangesDeps extends RecordStatusChangeDeps {
  notifications: Pick<NotificationsStore, 'insert' | 'insertNumbered' | 'lockOrderVersions' | 'findRecorded' | 'insertMany'>;
  inTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** An event is recorded (or found a duplicate), or refused for good: the caller dead-letters it. */
export type RecordResult = RecordOutcome | { refused: InvalidStatusChangeError | RejectedByStorageError };

/** One result a candidate, in order; storage errors other than a refusal propagate so that the batch is retried. */
export async function recordStatusChanges(
  deps: RecordStatusChangesDeps,
  candidates: readonly StatusChangeCandidate[],
  now: Date,
): Promise<RecordResult[]> {
  const validated = candidates.map((candidate) => {
    try {
      return notificationOf(validateStatusChange(candidate), now);
    } catch (err) {
      if (err instanceof InvalidStatusChangeError) return err;
      throw err;
    }
  });
  const notifications = validated.filter((v): v is Notification => !(v instanceof InvalidStatusChangeError));
  // A lone event takes today's one-statement path: a transaction would cost it four round trips more.
  if (notifications.length <= 1) return oneByOne(deps, candidates, now);
  let outcomes: RecordOutcome[];
  try {
    outcomes = await recordTogether(deps, notifications);
  } catch (err) {
    if (err instanceof RejectedByStorageError) return oneByOne(deps, candidates, now);
    throw err;
  }
  return validated.map((v) => (v instanceof InvalidStatusChangeError ? { refused: v } : (outcomes.shift() as RecordOutcome)));
}

async function recordTogether(deps: RecordStatusChangesDeps, notifications: Notification[]): Promise<RecordOutcome[]> {
  const { decisions, inserted } = await deps.inTransaction(async (tx) => {
    const numberedOrders = [...new Set(notifications.filter((n) => n.version > 0).map((n) => n.orderId))].sort((a, b) => a - b);
    const latest = numberedOrders.length > 0 ? await deps.notifications.lockOrderVersions(tx, numberedOrders) : new Map<number, number>();
    const plan = planStatusChanges(notifications, await deps.notifications.findRecorded(tx, notifications), latest);
    const rows = notifications.map((notification, i) => ({ notification, decision: plan.decisions[i]?.kind ?? 'duplicate' }));
    return { decisions: plan.decisions, inserted: await deps.notifications.insertMany(tx, rows, plan.raisedLatest) };
  });
  // Counted and handed on only once the transaction has committed.
  return notifications.map((notification, i) => {
    const decision: BatchDecision = inserted.has(notification.eventId) ? (decisions[i] ?? { kind: 'duplicate' }) : { kind: 'duplicate' };
    if (decision.kind === 'duplicate') {
      deps.metrics.deduplicated();
      return 'duplicate';
    }
    if (decision.kind === 'superseded') {
      deps.metrics.superseded();
      return 'superseded';
    }
    if (decision.afterGap) deps.metrics.versionGap();
    deps.metrics.recorded();
    deps.onRecorded(notification);
    return 'recorded';
  });
}

async function oneByOne(deps: RecordStatusChangesDeps, candidates: readonly StatusChangeCandidate[], now: Date): Promise<RecordResult[]> {
  const results: RecordResult[] = [];
  for (const candidate of candidates) {
    try {
      results.push(await recordStatusChange(deps, candidate, now));
    } catch (err) {
      if (err instanceof InvalidStatusChangeError || err instanceof RejectedByStorageError) results.push({ refused: err });
      else throw err;
    }
  }
  return results;
}

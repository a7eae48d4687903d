// Measurements the end-to-end tests report (never assert): printed, and appended to .vitest-tmp/e2e-measurements.jsonl.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@shop/devstack';

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** Milliseconds from each event's occurrence in LOMS to its notification being recorded. */
export function statusToNotificationLatencies(
  events: { eventId: string; occurredAt: Date }[],
  notifications: { eventId: string; createdAt: Date }[],
): number[] {
  const recordedAt = new Map(notifications.map((n) => [n.eventId, n.createdAt.getTime()]));
  return events.flatMap((e) => {
    const at = recordedAt.get(e.eventId);
    return at === undefined ? [] : [at - e.occurredAt.getTime()];
  });
}

export function latencySummary(latenciesMs: number[]): {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
} {
  return {
    count: latenciesMs.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: Math.max(...latenciesMs),
  };
}

export function report(test: string, values: Record<string, unknown>): void {
  const line = JSON.stringify({
    test,
    at: new Date().toISOString(),
    ...values,
  });
  console.log(`[e2e measurement] ${line}`);
  try {
    const dir = path.join(repoRoot(), '.vitest-tmp');
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, 'e2e-measurements.jsonl'), line + '\n');
  } catch {
    // Reporting must never fail a test.
  }
}

// Every answer a load got, in time: what an outage cost its callers, measured from their side.
import type * as grpc from '@grpc/grpc-js';

export interface Answer {
  at: number;
  ok: boolean;
  /** The status code of a failed call. */
  code?: grpc.status;
}

export interface CallTimeline {
  answers: Answer[];
  /** Runs `call` and notes when it was answered and how. */
  note<T>(call: () => Promise<T>): Promise<T>;
}

export function callTimeline(): CallTimeline {
  const answers: Answer[] = [];
  return {
    answers,
    note: async (call) => {
      try {
        const value = await call();
        answers.push({ at: Date.now(), ok: true });
        return value;
      } catch (err) {
        answers.push({ at: Date.now(), ok: false, code: (err as grpc.ServiceError).code });
        throw err;
      }
    },
  };
}

export interface FailureWindow {
  firstFailureAt: number;
  firstSuccessAt: number;
  windowMs: number;
}

/** From the first call that failed at or after `from` to the first that succeeded at or after `recoveredFrom`. */
export function failureWindow(answers: Answer[], from: number, recoveredFrom: number): FailureWindow | undefined {
  const firstFailureAt = Math.min(...answers.filter((a) => !a.ok && a.at >= from).map((a) => a.at));
  const firstSuccessAt = Math.min(...answers.filter((a) => a.ok && a.at >= recoveredFrom).map((a) => a.at));
  if (!Number.isFinite(firstFailureAt) || !Number.isFinite(firstSuccessAt)) return undefined;
  return { firstFailureAt, firstSuccessAt, windowMs: firstSuccessAt - firstFailureAt };
}

/** The longest stretch between two successful answers (any caller's). */
export function longestWithoutSuccessMs(answers: Answer[]): number {
  const successes = answers
    .filter((a) => a.ok)
    .map((a) => a.at)
    .sort((a, b) => a - b);
  return successes.slice(1).reduce((longest, at, i) => Math.max(longest, at - (successes[i] ?? at)), 0);
}

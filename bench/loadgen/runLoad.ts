// The closed-loop load generator: a fixed number of operations in flight for a fixed time (and at
// most a fixed number of calls), latencies in an HDR histogram, a progress line while it runs.
import * as hdr from 'hdr-histogram-js';

export interface LoadOptions {
  /** What the progress line and the result call this run. */
  label: string;
  concurrency: number;
  /** Measured time, after the warm-up. */
  durationMs: number;
  /** Operations run and thrown away first (connections, JIT, caches). */
  warmupMs: number;
  /** Hard bound on operations, warm-up included: the run stops at whichever comes first. */
  maxCalls: number;
  /** One operation; `worker` is the in-flight slot (0..concurrency-1), `seq` counts operations from 0. */
  operation: (worker: number, seq: number) => Promise<void>;
  /** Called with every failure (the run goes on); default ignores them. */
  onError?: (err: unknown) => void;
  /** Where the progress line goes; default stderr. */
  progress?: (line: string, final: boolean) => void;
}

export interface LatencySummary {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface LoadResult extends LatencySummary {
  label: string;
  concurrency: number;
  /** Successful operations in the measured window. */
  ok: number;
  errors: number;
  /** Measured wall time in seconds. */
  seconds: number;
  /** Successful operations per second in the measured window. */
  throughput: number;
  /** The run ended on maxCalls before its duration. */
  stoppedByMaxCalls: boolean;
  /** The measured window, in ms since the epoch (to match rows the run wrote). */
  windowStartMs: number;
  windowEndMs: number;
  firstError?: string;
}

/** Microseconds, from 1 µs to 60 s, three significant digits. */
export function newLatencyHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export function summarise(histogram: hdr.Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p90Ms: ms(histogram.getValueAtPercentile(90)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    maxMs: ms(histogram.maxValue),
    meanMs: ms(histogram.mean),
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (!(options.concurrency >= 1 && options.durationMs > 0 && options.maxCalls >= 1))
    throw new Error('runLoad: concurrency, duration and maxCalls must be positive');
  const histogram = newLatencyHistogram();
  const progress = options.progress ?? defaultProgress();
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const endAt = measureFrom + options.durationMs;
  let issued = 0;
  let ok = 0;
  let errors = 0;
  let measuredEnd = measureFrom;
  let firstError: string | undefined;
  let lastTick = { at: measureFrom, ok: 0 };

  const tick = setInterval(() => {
    const now = performance.now();
    const warming = now < measureFrom;
    const rate = warming ? 0 : ((ok - lastTick.ok) * 1000) / Math.max(1, now - lastTick.at);
    lastTick = { at: now, ok };
    const elapsed = Math.max(0, (now - measureFrom) / 1000).toFixed(0);
    const p99 = histogram.totalCount > 0 ? (histogram.getValueAtPercentile(99) / 1000).toFixed(1) : '-';
    progress(
      warming
        ? `${options.label}: warming up (${options.concurrency} in flight)`
        : `${options.label}: ${elapsed}/${options.durationMs / 1000}s ${ok} ok ${errors} errors ${rate.toFixed(0)}/s p99 ${p99} ms`,
      false,
    );
  }, 1_000);

  const worker = async (slot: number) => {
    for (;;) {
      const now = performance.now();
      if (now >= endAt || issued >= options.maxCalls) return;
      const seq = issued++;
      const t0 = performance.now();
      let failed = false;
      try {
        await options.operation(slot, seq);
      } catch (err) {
        failed = true;
        firstError ??= err instanceof Error ? err.message : String(err);
        options.onError?.(err);
      }
      const t1 = performance.now();
      // An operation counts if it started and ended inside the measured window.
      if (t0 < measureFrom || t1 > endAt) continue;
      measuredEnd = Math.max(measuredEnd, t1);
      if (failed) errors++;
      else {
        ok++;
        histogram.recordValue(Math.max(1, Math.round((t1 - t0) * 1000)));
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, (_, slot) => worker(slot)));
  } finally {
    clearInterval(tick);
  }
  const stoppedByMaxCalls = issued >= options.maxCalls && performance.now() < endAt;
  const seconds = ((stoppedByMaxCalls ? measuredEnd : endAt) - measureFrom) / 1000;
  const result: LoadResult = {
    label: options.label,
    concurrency: options.concurrency,
    ok,
    errors,
    seconds: Math.round(seconds * 1000) / 1000,
    throughput: seconds > 0 ? Math.round((ok / seconds) * 10) / 10 : 0,
    stoppedByMaxCalls,
    windowStartMs: Math.round(performance.timeOrigin + measureFrom),
    windowEndMs: Math.round(performance.timeOrigin + measureFrom + seconds * 1000),
    ...summarise(histogram),
    ...(firstError === undefined ? {} : { firstError }),
  };
  progress(
    `${options.label}: ${result.throughput.toFixed(0)}/s, p50 ${result.p50Ms} p90 ${result.p90Ms} p99 ${result.p99Ms} max ${result.maxMs} ms, ${ok} ok, ${errors} errors`,
    true,
  );
  return result;
}

/** One rewritten line on a terminal; a line every 5 s (and the final one) otherwise. */
function defaultProgress(): (line: string, final: boolean) => void {
  const tty = process.stderr.isTTY;
  let count = 0;
  return (line, final) => {
    if (tty) process.stderr.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else if (final || ++count % 5 === 0) process.stderr.write(`${line}\n`);
  };
}

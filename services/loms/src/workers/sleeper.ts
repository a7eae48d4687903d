// One sleep at a time that can be cut short: ended at once (on stop), or brought forward to a moment sooner
// than it was due (the outbox relay, woken by a commit).
export interface Sleeper {
  sleep(ms: number): Promise<void>;
  /** Ends the current sleep no later than `atMs` (a Date.now() time); a sleep due sooner is left alone. */
  endBy(atMs: number): void;
  end(): void;
}

export function sleeper(): Sleeper {
  let current: { dueMs: number; timer: NodeJS.Timeout; resolve: () => void } | undefined;
  const end = () => {
    if (!current) return;
    clearTimeout(current.timer);
    const { resolve } = current;
    current = undefined;
    resolve();
  };
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        end();
        current = { dueMs: Date.now() + ms, timer: setTimeout(end, ms), resolve };
      }),
    endBy(atMs) {
      if (!current || current.dueMs <= atMs) return;
      clearTimeout(current.timer);
      current.dueMs = atMs;
      current.timer = setTimeout(end, Math.max(0, atMs - Date.now()));
    },
    end,
  };
}

// Pings the database on an interval and reports whether it answers, so gRPC health can follow it.
import type { Logger } from '../logger';

export function startDatabaseWatch(options: {
  ping: () => Promise<void>;
  intervalMs: number;
  onChange: (up: boolean) => void;
  logger: Logger;
}): { isUp(): boolean; stop(): void } {
  let up: boolean | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const check = async () => {
    const now = await options.ping().then(
      () => true,
      (err: unknown) => {
        if (up !== false) options.logger.warn({ err: (err as Error).message }, 'database does not answer');
        return false;
      },
    );
    if (stopped) return;
    if (now !== up) {
      if (now && up === false) options.logger.info('database answers again');
      up = now;
      options.onChange(now);
    }
    timer = setTimeout(() => void check(), options.intervalMs);
  };
  void check();

  return {
    isUp: () => up === true,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

// Polls an HTTP readiness URL until it answers 200.
export async function waitUntilAnswers(name: string, url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      last = `${res.status} ${(await res.text()).trim()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms (${last})`);
}

/** A service's /readyz on its admin port. */
export const waitForReady = (name: string, adminPort: number, timeoutMs: number): Promise<void> =>
  waitUntilAnswers(name, `http://127.0.0.1:${adminPort}/readyz`, timeoutMs);

/** The value of one series (`name` or `name{labels}`, as exposed) on a service's admin /metrics; 0 when absent. */
export async function scrapeMetric(adminPort: number, series: string, timeoutMs = 5_000): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

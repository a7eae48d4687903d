/** The value of one series (`name` or `name{labels}`, as exposed) on a service's admin /metrics; 0 when absent. */
export async function scrapeMetric(adminPort: number, series: string, timeoutMs = 5_000): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** The sum of a metric's series on a service's admin /metrics whose labels include every one of `labels`; 0 when none. */
export async function sumMetric(adminPort: number, name: string, labels: Record<string, string> = {}, timeoutMs = 5_000): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return text
    .split('\n')
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

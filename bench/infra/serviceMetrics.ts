// Figures a running service reports on its admin port's /metrics (Prometheus text), read before and after a
// load point to see what each replica did in it.

/** The sum of the samples of `name` whose labels include every one of `labels` (all its series when none). */
export function sumOfSeries(metricsText: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return metricsText
    .split('\n')
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

export async function readMetrics(adminPort: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`/metrics on port ${adminPort} answered ${response.status}`);
  return response.text();
}

// Figures a running service reports on its admin port's /metrics (Prometheus text): what the bench reads of each
// replica over a load point, and what tests assert on.

/** The sum of the samples of `name` whose labels include every one of `labels` (all its series when none). */
export function sumOfSeries(metricsText: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return metricsText
    .split('\n')
    .filter((line) => (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

export async function readMetrics(adminPort: number, timeoutMs = 5_000): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`/metrics on port ${adminPort} answered ${response.status}`);
  return response.text();
}

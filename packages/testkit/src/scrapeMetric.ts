import { readMetrics, sumOfSeries } from '@shop/devstack';

/** The value of one series (`name` or `name{labels}`, as exposed) on a service's admin /metrics; 0 when absent. */
export async function scrapeMetric(adminPort: number, series: string, timeoutMs = 5_000): Promise<number> {
  const line = (await readMetrics(adminPort, timeoutMs)).split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** The sum of a metric's series on a service's admin /metrics whose labels include every one of `labels`; 0 when none. */
export async function sumMetric(adminPort: number, name: string, labels: Record<string, string> = {}, timeoutMs = 5_000): Promise<number> {
  return sumOfSeries(await readMetrics(adminPort, timeoutMs), name, labels);
}

// bench/results/latest.json holds every scenario's last result: a run of one scenario replaces that scenario's
// result there and keeps the others; a result not measured in the file's (last full) run says which run it was.
import type { BenchTiming, ScenarioResult } from '../scenarios/scenarioKit';
import type { Machine } from './machine';

export interface BenchRun {
  machine: Machine;
  timing: BenchTiming;
  minutes: number;
  results: ScenarioResult[];
}

export type ApartRun = NonNullable<ScenarioResult['measuredApart']>;

const provenance = (run: Omit<BenchRun, 'results'>): ApartRun => ({ machine: run.machine, timing: run.timing, minutes: run.minutes });

/**
 * A full run becomes the file's run, keeping results of scenarios it does not run (as measured apart); one
 * scenario's run replaces (or adds) that scenario's result, marked as measured apart, under the file's run.
 */
export function mergeIntoLatest(latest: BenchRun | undefined, run: BenchRun, kind: 'full' | 'single'): BenchRun {
  if (!latest) return run;
  if (kind === 'full') {
    const measured = new Set(run.results.map((r) => r.name));
    const kept = latest.results
      .filter((r) => !measured.has(r.name))
      .map((r) => ({ ...r, measuredApart: r.measuredApart ?? provenance(latest) }));
    return { ...run, results: [...run.results, ...kept] };
  }
  const apart = new Map(run.results.map((r) => [r.name, { ...r, measuredApart: provenance(run) }]));
  const results = latest.results.map((r) => apart.get(r.name) ?? r);
  const added = [...apart.values()].filter((r) => !latest.results.some((l) => l.name === r.name));
  return { ...latest, results: [...results, ...added] };
}

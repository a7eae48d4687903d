import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../scenarios/scenarioKit';
import type { Machine } from './machine';
import { mergeIntoLatest, type BenchRun } from './mergeResults';

const machine = (date: string): Machine => ({
  cpu: 'cpu',
  cores: 2,
  memoryGb: 24,
  kernel: 'Linux',
  node: 'v24',
  postgres: '18',
  pgbench: 'pgbench',
  durability: {},
  loadAverageAtStart: [1, 1, 1],
  date,
  code: `commit of ${date}`,
});
const result = (name: string, measured: string): ScenarioResult => ({
  name,
  title: name,
  tables: [],
  resources: {},
  verdicts: [],
  notes: [measured],
  raw: {},
});
const run = (date: string, results: ScenarioResult[]): BenchRun => ({
  machine: machine(date),
  timing: { warmupMs: 3_000, durationMs: 10_000, maxCalls: 200_000 },
  minutes: 6,
  results,
});

const full = run('full', [result('create-order', 'full'), result('hot-sku', 'full')]);

describe('mergeIntoLatest', () => {
  it('puts one scenario in place of its last result and keeps every other scenario of the full run', () => {
    const merged = mergeIntoLatest(full, run('single', [result('create-order', 'single')]), 'single');
    expect(merged.machine.date).toBe('full');
    expect(merged.results.map((r) => [r.name, r.notes[0], r.measuredApart?.machine.date])).toEqual([
      ['create-order', 'single', 'single'],
      ['hot-sku', 'full', undefined],
    ]);
  });

  it('adds a scenario the full run does not have after the others', () => {
    const merged = mergeIntoLatest(full, run('single', [result('loms-replicas', 'single')]), 'single');
    expect(merged.results.map((r) => r.name)).toEqual(['create-order', 'hot-sku', 'loms-replicas']);
    expect(merged.results[2]?.measuredApart?.machine.date).toBe('single');
  });

  it('lets a full run replace what it ran and keep, still marked apart, what it did not', () => {
    const withApart = mergeIntoLatest(full, run('single', [result('loms-replicas', 'single'), result('hot-sku', 'single')]), 'single');
    const merged = mergeIntoLatest(withApart, run('full 2', [result('create-order', 'full 2'), result('hot-sku', 'full 2')]), 'full');
    expect(merged.machine.date).toBe('full 2');
    expect(merged.results.map((r) => [r.name, r.notes[0], r.measuredApart?.machine.date])).toEqual([
      ['create-order', 'full 2', undefined],
      ['hot-sku', 'full 2', undefined],
      ['loms-replicas', 'single', 'single'],
    ]);
  });

  it('starts the file with the first run, whatever it ran', () => {
    expect(mergeIntoLatest(undefined, full, 'single')).toBe(full);
  });
});

// Reads what deployments/ holds (compose, Prometheus, Grafana) for the tests, and the metric names contract.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '@shop/devstack';

export const root = repoRoot();
export const deployments = path.join(root, 'deployments');
export const prometheusDir = path.join(deployments, 'prometheus');
export const dashboardsDir = path.join(deployments, 'grafana', 'dashboards');

/** YAML as compose reads it (merge keys `<<:` included). */
export function readYaml<T = unknown>(file: string): T {
  return parse(fs.readFileSync(file, 'utf8'), { merge: true }) as T;
}

export interface PanelTarget {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
export interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h?: number; w?: number; x?: number; y?: number };
  targets?: PanelTarget[];
  panels?: Panel[];
}
export interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
}

export function dashboardFiles(): string[] {
  return fs
    .readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dashboardsDir, f));
}

export function readDashboard(file: string): Dashboard {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel, rows' children included. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

export function panelQueries(): PanelQuery[] {
  return dashboardFiles().flatMap((file) => {
    const dashboard = readDashboard(file);
    return panelsOf(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({
        dashboard: path.basename(file),
        panel: panel.title ?? '?',
        refId: t.refId ?? '?',
        expr: t.expr ?? '',
      })),
    );
  });
}

export interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const file = readYaml<{ groups: { name: string; rules: AlertRule[] }[] }>(path.join(prometheusDir, 'alerts.yml'));
  return file.groups.flatMap((g) => g.rules);
}

const promqlWords = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'rate',
  'irate',
  'increase',
  'delta',
  'histogram_quantile',
  'vector',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'abs',
  'clamp_min',
  'clamp_max',
  'time',
  'timestamp',
  'absent',
  'label_replace',
  'topk',
  'bottomk',
  'quantile',
  'max_over_time',
  'min_over_time',
  'avg_over_time',
]);

/** Metric names an expression reads (label matchers, grouping labels, strings and durations removed). */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = bare.match(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b/g) ?? [];
  return [...new Set(names.filter((n) => !promqlWords.has(n) && !/^\d/.test(n)))];
}

/** The names docs/metrics.md promises, plus the Prometheus and prom-client ones we rely on. */
export function documentedMetricNames(): Set<string> {
  const doc = fs.readFileSync(path.join(root, 'docs', 'metrics.md'), 'utf8');
  const names = new Set<string>();
  for (const m of doc.matchAll(/^\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|\s*(counter|gauge|histogram|summary)\s*\|/gm)) {
    const [, name, type] = m;
    if (!name) continue;
    names.add(name);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  // Written by Prometheus itself, and prom-client's defaults (docs/metrics.md: "Plus Node's defaults").
  for (const n of ['up', 'ALERTS', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'])
    names.add(n);
  return names;
}

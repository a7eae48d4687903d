// Grafana provisioning and dashboards: valid JSON, the `prometheus` data source everywhere, a query in every
// panel, a tidy grid, and only metric names that docs/metrics.md promises.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alertRules,
  dashboardFiles,
  deployments,
  documentedMetricNames,
  metricNamesIn,
  panelQueries,
  panelsOf,
  readDashboard,
  readYaml,
} from './deploymentFiles';

describe('Grafana provisioning', () => {
  it('provisions the Prometheus data source with uid prometheus at the compose Prometheus', () => {
    const file = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>(
      path.join(deployments, 'grafana/provisioning/datasources/prometheus.yml'),
    );
    expect(file.datasources).toEqual([expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: 'http://prometheus:9090' })]);
  });
});

describe('Grafana dashboards', () => {
  const files = dashboardFiles();

  it('has the overview and one dashboard per service', () => {
    expect(files.map((f) => path.basename(f))).toEqual([
      'checkout.json',
      'loms.json',
      'notifications.json',
      'overview.json',
      'products.json',
    ]);
    const uids = files.map((f) => readDashboard(f).uid);
    expect(new Set(uids).size).toBe(files.length);
  });

  it.each(files.map((f) => [path.basename(f), f]))('%s is a dashboard whose every panel queries the prometheus data source', (_, file) => {
    const dashboard = readDashboard(file);
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const panels = panelsOf(dashboard);
    expect(panels.length).toBeGreaterThan(3);
    const problems: string[] = [];
    const ids = new Set<number>();
    for (const panel of panels) {
      const name = `panel ${panel.id} "${panel.title}"`;
      if (panel.id === undefined || ids.has(panel.id)) problems.push(`${name}: missing or repeated id`);
      if (panel.id !== undefined) ids.add(panel.id);
      const g = panel.gridPos;
      if (!g || [g.h, g.w, g.x, g.y].some((n) => typeof n !== 'number') || (g.x ?? 0) + (g.w ?? 0) > 24)
        problems.push(`${name}: bad gridPos`);
      if (panel.type === 'row') continue;
      if (panel.datasource?.uid !== 'prometheus') problems.push(`${name}: data source is not uid prometheus`);
      const targets = panel.targets ?? [];
      if (targets.length === 0) problems.push(`${name}: no target`);
      if (new Set(targets.map((t) => t.refId)).size !== targets.length) problems.push(`${name}: repeated refId`);
      for (const t of targets) {
        if (!t.refId || !t.expr?.trim()) problems.push(`${name}: a target without refId or expr`);
        if (t.datasource && t.datasource.uid !== 'prometheus') problems.push(`${name} ${t.refId}: data source is not uid prometheus`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('lays panels out without overlaps', () => {
    for (const file of files) {
      const cells = new Map<string, string>();
      for (const panel of panelsOf(readDashboard(file))) {
        const { h = 0, w = 0, x = 0, y = 0 } = panel.gridPos ?? {};
        for (let row = y; row < y + h; row++)
          for (let col = x; col < x + w; col++) {
            const key = `${row}:${col}`;
            expect(cells.get(key), `${path.basename(file)}: "${panel.title}" overlaps`).toBeUndefined();
            cells.set(key, panel.title ?? '');
          }
      }
    }
  });

  it('queries only metric names docs/metrics.md promises (and uses rate windows of 1m in panels)', () => {
    const documented = documentedMetricNames();
    const queries = panelQueries();
    const undocumented = queries.flatMap((q) =>
      metricNamesIn(q.expr)
        .filter((n) => !documented.has(n))
        .map((n) => `${q.dashboard} "${q.panel}": ${n}`),
    );
    const alertNames = alertRules().flatMap((r) =>
      metricNamesIn(r.expr)
        .filter((n) => !documented.has(n))
        .map((n) => `alert ${r.alert}: ${n}`),
    );
    expect([...undocumented, ...alertNames]).toEqual([]);
    const odd = queries.filter((q) => /\brate\(/.test(q.expr) && !/\[1m\]/.test(q.expr)).map((q) => `${q.dashboard} "${q.panel}"`);
    expect(odd).toEqual([]);
  });

  it('shows every metric docs/metrics.md lists in some panel', () => {
    const used = new Set(panelQueries().flatMap((q) => metricNamesIn(q.expr)));
    const listed = [...documentedMetricNames()].filter(
      (n) => !/_(bucket|sum|count)$/.test(n) || !documentedMetricNames().has(n.replace(/_(bucket|sum|count)$/, '')),
    );
    const unshown = listed.filter((n) => !used.has(n) && !used.has(`${n}_bucket`) && !used.has(`${n}_sum`));
    expect(unshown).toEqual([]);
  });
});

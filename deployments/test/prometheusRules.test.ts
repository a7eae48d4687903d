// Prometheus configs and alert rules through Debian's promtool: check config, check rules, and the rule unit
// tests in alerts.test.yml; plus the shape every alert must have.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertRules, prometheusDir, readYaml } from './deploymentFiles';
import { promtool } from './promtool';

interface RuleTest {
  alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
}

describe('Prometheus configuration', () => {
  it.each(['prometheus.yml', 'prometheus.local.yml'])('promtool check config accepts %s', (file) => {
    const result = promtool(['check', 'config', file], { cwd: prometheusDir });
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('scrapes the four services as jobs named after them, every 5 s, with the alert rules', () => {
    type Config = {
      global: { scrape_interval: string };
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const ports: Record<string, number> = { checkout: 8081, loms: 8082, notifications: 8083, products: 8084 };
    for (const [file, host] of [
      ['prometheus.yml', undefined],
      ['prometheus.local.yml', 'localhost'],
    ] as const) {
      const config = readYaml<Config>(path.join(prometheusDir, file));
      expect(config.global.scrape_interval).toBe('5s');
      expect(config.rule_files).toEqual(['alerts.yml']);
      const jobs = Object.fromEntries(config.scrape_configs.map((s) => [s.job_name, s.static_configs.flatMap((c) => c.targets)]));
      expect(jobs).toEqual(Object.fromEntries(Object.entries(ports).map(([job, port]) => [job, [`${host ?? job}:${port}`]])));
    }
  });
});

describe('alert rules', () => {
  it('pass promtool check rules', () => {
    const result = promtool(['check', 'rules', 'alerts.yml'], { cwd: prometheusDir });
    expect(result.status, result.output).toBe(0);
  });

  it('pass their unit tests (promtool test rules alerts.test.yml)', () => {
    const result = promtool(['test', 'rules', 'alerts.test.yml'], { cwd: prometheusDir });
    expect(result.status, result.output).toBe(0);
  });

  it('each have a for: duration, a severity and a summary and description', () => {
    const rules = alertRules();
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'CancellerErrors',
        'CancellerLagHigh',
        'GrpcLatencyP99High',
        'GrpcServerErrorRatioHigh',
        'NotificationsConsumerLagHigh',
        'NotificationsDeadLettered',
        'NotificationsDeliveryFailing',
        'OutboxBacklogOld',
        'OutboxRelayErrors',
        'OutboxRelayInactive',
        'ServiceDown',
        'StockDrift',
      ].sort(),
    );
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
    }
  });

  it('each have a unit test where they fire and one where they stay quiet', () => {
    const tests = readYaml<{ tests: RuleTest[] }>(path.join(prometheusDir, 'alerts.test.yml')).tests.flatMap(
      (t) => t.alert_rule_test ?? [],
    );
    for (const rule of alertRules()) {
      const cases = tests.filter((t) => t.alertname === rule.alert);
      expect(
        cases.some((c) => (c.exp_alerts ?? []).length > 0),
        `${rule.alert} fires in a test`,
      ).toBe(true);
      expect(
        cases.some((c) => (c.exp_alerts ?? []).length === 0),
        `${rule.alert} stays quiet in a test`,
      ).toBe(true);
    }
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { MosaicMetrics } from '@mosaic/observability';
import { metricNames } from './dashboards';
import { ALERTS_FILE, ALERTS_TEST_FILE, PROMETHEUS_CONFIG_FILE, PROMETHEUS_DIR } from './paths';
import { promtool } from './promtool';
import { loadRules } from './rules';
import { exportedSeriesNames } from './exported-series';

interface RuleTests {
  tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
}

describe('Prometheus rules (deploy/prometheus)', () => {
  const rules = loadRules();
  const alerts = rules.filter((r) => r.kind === 'alert');

  it('should pass promtool check rules', () => {
    expect(promtool(['check', 'rules', ALERTS_FILE])).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
  });

  it('should pass every promtool unit test in alerts.test.yml', () => {
    expect(promtool(['test', 'rules', path.basename(ALERTS_TEST_FILE)], PROMETHEUS_DIR)).toContain('SUCCESS');
  });

  it('should test each alert both firing and not firing', () => {
    const cases = (parse(readFileSync(ALERTS_TEST_FILE, 'utf8')) as RuleTests).tests.flatMap((t) => t.alert_rule_test ?? []);
    const coverage = alerts.map((alert) => {
      const mine = cases.filter((c) => c.alertname === alert.name);
      return { alert: alert.name, fires: mine.some((c) => (c.exp_alerts ?? []).length > 0), quiet: mine.some((c) => (c.exp_alerts ?? []).length === 0) };
    });
    expect(coverage.filter((c) => !c.fires || !c.quiet)).toEqual([]);
    expect(alerts.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'MosaicServiceDown',
        'MosaicHighErrorRatio',
        'MosaicQueryLatencyBudgetBurn',
        'MosaicBreakerOpen',
        'MosaicConsumerLagGrowing',
        'MosaicRedeliveriesSpiking',
      ]),
    );
  });

  it('should read only series Mosaic exports or its own recording rules', async () => {
    const known = new Set([...(await exportedSeriesNames(new MosaicMetrics('rules-spec'))), ...rules.filter((r) => r.kind === 'record').map((r) => r.name)]);
    const unknown = rules.flatMap((rule) => metricNames(rule.expr).filter((name) => !known.has(name)).map((name) => `${rule.name}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('should accept the scrape config with its rules and a targets file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mosaic-prometheus-config-'));
    try {
      copyFileSync(PROMETHEUS_CONFIG_FILE, path.join(dir, 'prometheus.yml'));
      copyFileSync(ALERTS_FILE, path.join(dir, 'alerts.yml'));
      mkdirSync(path.join(dir, 'targets'));
      writeFileSync(path.join(dir, 'targets', 'local.json'), JSON.stringify([{ targets: ['127.0.0.1:8080'], labels: { service: 'gateway' } }]));
      const report = promtool(['check', 'config', 'prometheus.yml'], dir);
      expect(report).toContain('is valid prometheus config file syntax');
      expect(report).not.toContain('WARNING');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

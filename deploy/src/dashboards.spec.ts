import { MosaicMetrics } from '@mosaic/observability';
import { dataPanels, loadDashboards, metricNames, panelQueries, renderQuery } from './dashboards';
import { exportedSeriesNames, mosaicMetricFamilies } from './exported-series';
import { loadRules } from './rules';

const PROMETHEUS_DATASOURCES = new Set(['${DS_PROMETHEUS}', 'prometheus']);

describe('Grafana dashboards (deploy/grafana/dashboards)', () => {
  const dashboards = loadDashboards();

  it('should ship the overview, connectors and LLM dashboards with unique uids', () => {
    expect(dashboards.map((d) => d.file)).toEqual(['connectors', 'llm', 'overview']);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      expect(d.title).toMatch(/^Mosaic \//);
      expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    }
  });

  it('should query Prometheus through the DS_PROMETHEUS variable in every panel and target', () => {
    const wrong = dashboards.flatMap((d) =>
      dataPanels(d).flatMap((panel) =>
        [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]
          .filter((ds) => ds?.type !== 'prometheus' || !PROMETHEUS_DATASOURCES.has(ds.uid ?? ''))
          .map(() => `${d.file}: ${panel.title}`),
      ),
    );
    expect(wrong).toEqual([]);
    for (const d of dashboards) expect(d.templating.list.find((v) => v.name === 'DS_PROMETHEUS')).toMatchObject({ type: 'datasource', query: 'prometheus' });
  });

  it('should give every panel a unique id, a place on the grid and at least one query', () => {
    for (const d of dashboards) {
      const ids = d.panels.flatMap((p) => [p.id, ...(p.panels ?? []).map((c) => c.id)]);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dataPanels(d)) {
        expect(panel.gridPos).toEqual(expect.objectContaining({ w: expect.any(Number), h: expect.any(Number) }));
        expect(panel.targets?.length).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.expr.trim()).not.toBe('');
      }
    }
  });

  it('should leave no variable unresolved once Grafana would substitute them', () => {
    const queries = panelQueries(dashboards);
    expect(queries.length).toBeGreaterThan(30);
    expect(queries.filter((q) => q.expr.includes('$'))).toEqual([]);
  });

  it('should fail to render a query that uses a variable the dashboard does not define', () => {
    expect(() => renderQuery('rate(mosaic_x{connector=~"$tenant"}[5m])', dashboards[0]!)).toThrow(/unknown variable \$tenant/);
  });

  it('should read only series Mosaic exports or its recording rules', async () => {
    const known = new Set([...(await exportedSeriesNames(new MosaicMetrics('dashboards-spec'))), ...loadRules().filter((r) => r.kind === 'record').map((r) => r.name)]);
    const unknown = panelQueries(dashboards).flatMap((q) => metricNames(q.expr).filter((n) => !known.has(n)).map((n) => `${q.dashboard} / ${q.panel}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('should show every metric Mosaic exports on some panel', async () => {
    const shown = new Set(panelQueries(dashboards).flatMap((q) => metricNames(q.expr).map((n) => n.replace(/_(bucket|count|sum)$/, ''))));
    const families = await mosaicMetricFamilies(new MosaicMetrics('dashboards-spec'));
    expect(families.filter((f) => !shown.has(f))).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DASHBOARDS_DIR } from './paths';

export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  query?: unknown;
}

export interface Dashboard {
  /** File name without `.json`. */
  file: string;
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: DashboardVariable[] };
  panels: DashboardPanel[];
}

/** One PromQL query of one panel, as it would be sent (after `renderQuery`). */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

/** Every dashboard JSON under deploy/grafana/dashboards. */
export function loadDashboards(dir = DASHBOARDS_DIR): Dashboard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ ...(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Omit<Dashboard, 'file'>), file: file.replace(/\.json$/, '') }));
}

/** Panels that show data (rows flattened out, collapsed rows included). */
export function dataPanels(dashboard: Dashboard): DashboardPanel[] {
  return dashboard.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

/** Intervals Grafana would substitute; short ones suit a test Prometheus scraping every second. */
export interface QueryIntervals {
  rateInterval: string;
  interval: string;
  range: string;
}

export const TEST_INTERVALS: QueryIntervals = { rateInterval: '15s', interval: '5s', range: '1m' };

/**
 * A panel's PromQL as Grafana would send it: global variables replaced by `intervals`, each
 * dashboard variable by `.*` (the "All" value, as the dashboards use them in `=~` matchers).
 */
export function renderQuery(expr: string, dashboard: Dashboard, intervals: QueryIntervals = TEST_INTERVALS): string {
  const globals: Record<string, string> = {
    __rate_interval: intervals.rateInterval,
    __interval: intervals.interval,
    __range: intervals.range,
  };
  const variables = new Set(dashboard.templating.list.map((v) => v.name));
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (name in globals) return globals[name]!;
    if (variables.has(name)) return '.*';
    throw new Error(`dashboard ${dashboard.file}: unknown variable ${whole} in ${expr}`);
  });
}

/** Every query of every data panel, rendered. */
export function panelQueries(dashboards: Dashboard[], intervals: QueryIntervals = TEST_INTERVALS): PanelQuery[] {
  return dashboards.flatMap((d) =>
    dataPanels(d).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ dashboard: d.file, panel: panel.title, refId: target.refId, expr: renderQuery(target.expr, d, intervals) })),
    ),
  );
}

/** Mosaic metric names and recording rules (`mosaic:...`) a PromQL expression reads. */
export function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\bmosaic[_:][a-z0-9_:]+/g) ?? [])];
}

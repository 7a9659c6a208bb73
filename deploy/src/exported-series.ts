import type { MosaicMetrics } from '@mosaic/observability';

/**
 * The series names a MosaicMetrics registry exports, as PromQL reads them: counters and gauges
 * by name, histograms as `_bucket`, `_count` and `_sum`.
 */
export async function exportedSeriesNames(metrics: MosaicMetrics): Promise<string[]> {
  const families = await metrics.registry.getMetricsAsJSON();
  return families.flatMap(({ name, type }) => (String(type) === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name]));
}

/** The names of Mosaic's own metric families (`mosaic_*`; not the process defaults). */
export async function mosaicMetricFamilies(metrics: MosaicMetrics): Promise<string[]> {
  return (await metrics.registry.getMetricsAsJSON()).map((m) => m.name).filter((name) => name.startsWith('mosaic_'));
}

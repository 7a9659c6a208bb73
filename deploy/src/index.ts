export * from './paths';
export * from './promtool';
export * from './dashboards';
export * from './rules';
export * from './scrape-targets';
export * from './prometheus-server';
export * from './exported-series';

import path from 'node:path';

/** The deploy/ folder: dashboards, rules and scrape config live under it. */
export const DEPLOY_ROOT = path.resolve(__dirname, '..');
export const DASHBOARDS_DIR = path.join(DEPLOY_ROOT, 'grafana', 'dashboards');
export const PROMETHEUS_DIR = path.join(DEPLOY_ROOT, 'prometheus');
export const ALERTS_FILE = path.join(PROMETHEUS_DIR, 'alerts.yml');
export const ALERTS_TEST_FILE = path.join(PROMETHEUS_DIR, 'alerts.test.yml');
export const PROMETHEUS_CONFIG_FILE = path.join(PROMETHEUS_DIR, 'prometheus.yml');

/**
 * Renders the chart the way `helm template` does, with helm/tools/render (Go's text/template +
 * sprig + Helm's own functions and objects), and validates manifests with kubernetes-models.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CHART = path.join(ROOT, 'helm', 'mosaic');
const RENDERER_SOURCE = path.join(ROOT, 'helm', 'tools', 'render', 'main.go');
const RENDERER = path.join(ROOT, '.mosaic', 'helm-render');
const GOPATH = '/usr/share/gocode';
const GO_PACKAGES = ['github.com/Masterminds/sprig', 'github.com/ghodss/yaml'];
const DEPS_HINT =
  'run `bash scripts/helm-deps.sh` (apt-installs golang-go, golang-github-masterminds-sprig-dev, golang-github-ghodss-yaml-dev and nats-server)';

export interface Meta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [field: string]: unknown;
}

export interface RenderOptions {
  /** Values objects, applied in order after values.yaml (like `helm template -f a.yaml -f b.yaml`). */
  values?: object[];
  /** Values files, applied before `values`. */
  valueFiles?: string[];
  release?: string;
  namespace?: string;
  /** Extra API versions the cluster serves (`--api-versions`). */
  apiVersions?: string[];
  chart?: string;
}

export interface RenderResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Builds the renderer into .mosaic/ when it is missing or older than its source (offline, ~2 s). */
export function buildRenderer(): string {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error(`Go is not installed, so the Helm chart cannot be rendered: ${DEPS_HINT}`);
  }
  for (const pkg of GO_PACKAGES) {
    if (!existsSync(path.join(GOPATH, 'src', pkg))) {
      throw new Error(`the Go package ${pkg} is missing from ${GOPATH}: ${DEPS_HINT}`);
    }
  }
  if (existsSync(RENDERER) && statSync(RENDERER).mtimeMs >= statSync(RENDERER_SOURCE).mtimeMs) return RENDERER;
  mkdirSync(path.dirname(RENDERER), { recursive: true });
  const tmp = `${RENDERER}.${process.pid}.tmp`;
  const build = spawnSync('go', ['build', '-o', tmp, RENDERER_SOURCE], {
    encoding: 'utf8',
    cwd: ROOT,
    env: {
      ...process.env,
      // Debian's Go sources, no module downloads: GOPATH mode.
      GO111MODULE: 'off',
      GOPATH,
      GOFLAGS: '',
      GOCACHE: path.join(ROOT, '.mosaic', 'go-cache'),
      CGO_ENABLED: '0',
    },
  });
  if (build.status !== 0) throw new Error(`building helm/tools/render failed:\n${build.stderr}${build.stdout}`);
  renameSync(tmp, RENDERER);
  return RENDERER;
}

function runRenderer(options: RenderOptions, mode: string[]): RenderResult {
  const renderer = buildRenderer();
  const args = ['--name', options.release ?? 'mosaic', '--namespace', options.namespace ?? 'mosaic', ...mode];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mosaic-helm-values-'));
  const files = [...(options.valueFiles ?? [])];
  (options.values ?? []).forEach((values, i) => {
    const file = path.join(dir, `values-${i}.yaml`);
    writeFileSync(file, YAML.stringify(values));
    files.push(file);
  });
  for (const file of files) args.push('-f', file);
  for (const apiVersion of options.apiVersions ?? []) args.push('--api-versions', apiVersion);
  args.push(options.chart ?? CHART);
  try {
    const result = spawnSync(renderer, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses a multi-document YAML stream, failing on any syntax error; empty documents are dropped. */
export function parseManifests(text: string): Manifest[] {
  const docs = YAML.parseAllDocuments(text);
  const manifests: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    manifests.push(value as Manifest);
  }
  return manifests;
}

/** The rendered manifests; throws with the renderer's message when rendering fails. */
export function render(options: RenderOptions = {}): { manifests: Manifest[]; text: string } {
  const result = runRenderer(options, []);
  if (result.status !== 0) throw new Error(`rendering the chart failed: ${result.stderr}`);
  return { manifests: parseManifests(result.stdout), text: result.stdout };
}

/** Rendering that must fail: returns the error message. */
export function renderFailure(options: RenderOptions = {}): string {
  const result = runRenderer(options, []);
  if (result.status === 0) throw new Error('rendering the chart succeeded, but it should have failed');
  return result.stderr;
}

/** The rendered NOTES.txt. */
export function renderNotes(options: RenderOptions = {}): string {
  const result = runRenderer(options, ['--notes']);
  if (result.status !== 0) throw new Error(`rendering NOTES.txt failed: ${result.stderr}`);
  return result.stdout;
}

/** values.yaml coalesced with the overrides: what Helm validates against values.schema.json. */
export function coalescedValues(options: RenderOptions = {}): Record<string, unknown> {
  const result = runRenderer(options, ['--show-values']);
  if (result.status !== 0) throw new Error(`coalescing values failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

export interface ModelResult {
  apiVersion: string;
  kind: string;
  name: string;
  status: 'valid' | 'invalid' | 'no-model';
  error?: string;
}

/** Validates manifests with kubernetes-models, in a plain Node process (the package is ESM-only). */
export function validateWithKubernetesModels(manifests: Manifest[]): ModelResult[] {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'k8s-validate.mjs')], {
    input: JSON.stringify(manifests),
    encoding: 'utf8',
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`k8s-validate.mjs failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ModelResult[];
}

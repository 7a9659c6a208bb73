/**
 * The Helm chart helm/mosaic, rendered like `helm template` (helm/tools/render: Go text/template
 * + sprig + Helm's functions) with its defaults and several override sets; every manifest is
 * parsed with `yaml`, validated with kubernetes-models (core kinds) or with the CRDs' schemas
 * (ScaledObject, ServiceMonitor, PodMonitor, PrometheusRule), and checked for behaviour.
 * Needs Go and Debian's sprig (scripts/helm-deps.sh installs them); fails clearly without.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import YAML from 'yaml';
import { CRD_SCHEMAS } from './crd-schemas';
import {
  CHART,
  Manifest,
  ROOT,
  RenderOptions,
  buildRenderer,
  coalescedValues,
  parseManifests,
  render,
  renderFailure,
  renderNotes,
  validateWithKubernetesModels,
} from './render';

// ---------------------------------------------------------------- types of what the chart renders

interface SecretKeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: SecretKeyRef };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  ports?: Array<{ name?: string; containerPort: number }>;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  volumes?: Array<{ name: string; emptyDir?: object }>;
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}
interface Workload extends Manifest {
  spec: { replicas?: number; selector?: { matchLabels: Record<string, string> }; template: PodTemplate };
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

// ---------------------------------------------------------------- helpers

const CI_VALUES = path.join(CHART, 'ci', 'default-values.yaml');
const CI = YAML.parse(readFileSync(CI_VALUES, 'utf8')) as {
  secrets: { authSigningKeys: string; vaultKeys: string; postgresOwnerPassword: string; postgresAppPassword: string; natsPasswords: Record<string, string> };
};
const NAMESPACE = 'mosaic';
const SERVICES = ['gateway', 'auth', 'planner', 'synthesizer'] as const;
const CRD_KINDS = new Set(Object.keys(CRD_SCHEMAS));

const ofKind = <T extends Manifest = Manifest>(manifests: Manifest[], kind: string): T[] => manifests.filter((m) => m.kind === kind) as T[];
function one<T extends Manifest = Manifest>(manifests: Manifest[], kind: string, name: string): T {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length} (have: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')})`);
  return found[0] as T;
}
const names = (manifests: Manifest[], kind: string): string[] => ofKind(manifests, kind).map((m) => m.metadata.name).sort();
const envOf = (container: Container): Record<string, EnvVar> => Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
const containersOf = (w: Workload): Container[] => w.spec.template.spec.containers;
const workloads = (manifests: Manifest[]): Workload[] => [...ofKind<Workload>(manifests, 'Deployment'), ...ofKind<Workload>(manifests, 'Job')];

function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function assertKnownKeys(value: object | undefined, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value ?? {})) {
    if (!allowed.includes(key)) throw new Error(`${where}: unknown field "${key}"`);
  }
}
const CONTAINER_FIELDS = ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty'];
const POD_FIELDS = ['volumes', 'initContainers', 'containers', 'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims'];
const PROBE_FIELDS = ['httpGet', 'exec', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds'];
const DEPLOYMENT_SPEC_FIELDS = ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'];

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const crdValidators = Object.fromEntries(Object.entries(CRD_SCHEMAS).map(([k, schema]) => [k, ajv.compile(schema)]));
const valuesSchema = JSON.parse(readFileSync(path.join(CHART, 'values.schema.json'), 'utf8')) as object;
const validateValues = ajv.compile(valuesSchema);

/** Every check that holds for any values: schemas, security, consistency of names and selectors. */
function checkManifests(manifests: Manifest[], text: string): void {
  // kubernetes-models for core kinds, the CRD schemas for the rest; nothing goes unchecked.
  const results = validateWithKubernetesModels(manifests);
  const problems: string[] = [];
  results.forEach((r, i) => {
    const m = manifests[i];
    const candidate: unknown = m;
    const crd = `${m.apiVersion}/${m.kind}`;
    if (r.status === 'invalid') problems.push(`${m.kind}/${m.metadata.name}: ${r.error}`);
    if (r.status === 'no-model') {
      const validate = crdValidators[crd];
      if (!validate) problems.push(`${m.kind}/${m.metadata.name}: no kubernetes-models class and no CRD schema for ${crd}`);
      else if (!validate(candidate)) problems.push(`${m.kind}/${m.metadata.name}: ${ajv.errorsText(validate.errors)}`);
    }
  });
  expect(problems).toEqual([]);
  // Every core kind was validated by a model, every custom kind by its schema.
  expect(results.filter((r) => r.status === 'valid').length + manifests.filter((m) => CRD_KINDS.has(`${m.apiVersion}/${m.kind}`)).length).toBe(manifests.length);

  // Unique names per kind, all in the release namespace (dashboards may go elsewhere).
  const ids = manifests.map((m) => `${m.kind}/${m.metadata.name}`);
  expect(new Set(ids).size).toBe(ids.length);
  for (const m of manifests) {
    if (!(m.kind === 'ConfigMap' && m.metadata.labels?.['app.kubernetes.io/component'] === 'dashboards')) expect(`${m.kind}/${m.metadata.name}: ${m.metadata.namespace}`).toBe(`${m.kind}/${m.metadata.name}: ${NAMESPACE}`);
    expect(m.metadata.labels?.['app.kubernetes.io/instance']).toBe('mosaic');
  }

  for (const w of workloads(manifests)) {
    const where = `${w.kind}/${w.metadata.name}`;
    if (w.kind === 'Deployment') {
      assertKnownKeys(w.spec, DEPLOYMENT_SPEC_FIELDS, `${where} spec`);
      expect(selects({ matchLabels: w.spec.selector?.matchLabels }, w.spec.template.metadata.labels)).toBe(true);
    }
    const pod = w.spec.template.spec;
    assertKnownKeys(pod, POD_FIELDS, `${where} pod spec`);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
    expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of pod.containers) {
      assertKnownKeys(c, CONTAINER_FIELDS, `${where} container ${c.name}`);
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) assertKnownKeys(probe, PROBE_FIELDS, `${where} probe`);
      // Non-root, read-only root file system (a writable /tmp), no privilege escalation, no capabilities.
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
      expect(c.securityContext?.capabilities?.add).toBeUndefined();
      expect(c.volumeMounts?.find((v) => v.mountPath === '/tmp')).toBeDefined();
      // Requests and limits for CPU and memory.
      expect(Object.keys(c.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(c.image).toMatch(/^[^\s:@]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/);
      // $(VAR) references only to variables defined earlier in the list (else Kubernetes leaves them as is).
      const seen = new Set<string>();
      for (const e of c.env ?? []) {
        for (const [, ref] of (e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) expect(`${where} ${e.name} -> ${ref}: ${seen.has(ref)}`).toBe(`${where} ${e.name} -> ${ref}: true`);
        seen.add(e.name);
      }
      expect(seen.size).toBe((c.env ?? []).length);
    }
  }

  // Selectors and references point at something that exists.
  const deployments = ofKind<Workload>(manifests, 'Deployment');
  const podLabels = deployments.map((d) => d.spec.template.metadata.labels);
  for (const s of ofKind<Manifest & { spec: { selector: Record<string, string> } }>(manifests, 'Service')) {
    expect(deployments.filter((d) => selects({ matchLabels: s.spec.selector }, d.spec.template.metadata.labels)).map((d) => d.metadata.name)).toEqual([s.metadata.name]);
  }
  for (const pdb of ofKind<Manifest & { spec: { selector: LabelSelector } }>(manifests, 'PodDisruptionBudget')) {
    expect(podLabels.filter((l) => selects(pdb.spec.selector, l))).toHaveLength(1);
  }
  for (const a of [...ofKind<Manifest & { spec: { scaleTargetRef: { name: string } } }>(manifests, 'HorizontalPodAutoscaler'), ...ofKind<Manifest & { spec: { scaleTargetRef: { name: string } } }>(manifests, 'ScaledObject')]) {
    const target = one<Workload>(manifests, 'Deployment', a.spec.scaleTargetRef.name);
    expect(target.spec.replicas).toBeUndefined(); // the autoscaler owns it
  }
  const services = ofKind<Manifest>(manifests, 'Service');
  for (const sm of ofKind<Manifest & { spec: { selector: LabelSelector } }>(manifests, 'ServiceMonitor')) {
    expect(services.filter((s) => selects(sm.spec.selector, s.metadata.labels ?? {}))).toHaveLength(1);
  }
  for (const pm of ofKind<Manifest & { spec: { selector: LabelSelector } }>(manifests, 'PodMonitor')) {
    expect(podLabels.filter((l) => selects(pm.spec.selector, l)).length).toBeGreaterThan(0);
  }

  // Secret references: the chart's keys come from the chart's Secret (or existingSecret) and exist there.
  const secrets = ofKind<Manifest & { stringData: Record<string, string> }>(manifests, 'Secret');
  for (const w of workloads(manifests)) {
    for (const c of containersOf(w)) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        const secret = secrets.find((s) => s.metadata.name === ref.name);
        if (secret && !ref.optional) expect(`${ref.name}/${ref.key}: ${Object.hasOwn(secret.stringData, ref.key)}`).toBe(`${ref.name}/${ref.key}: true`);
      }
    }
  }

  // No template leftovers (Prometheus rules and Grafana dashboards have their own {{ }} templates).
  expect(text).not.toMatch(/<no value>|%!/);
  for (const m of manifests) {
    if (m.kind === 'PrometheusRule' || m.metadata.labels?.['app.kubernetes.io/component'] === 'dashboards') continue;
    expect(`${m.kind}/${m.metadata.name}: ${JSON.stringify(m).includes('{{')}`).toBe(`${m.kind}/${m.metadata.name}: false`);
  }
}

function renderChecked(options: RenderOptions): Manifest[] {
  const values = coalescedValues(options);
  if (!validateValues(values)) throw new Error(`values.schema.json rejects the coalesced values: ${ajv.errorsText(validateValues.errors)}`);
  const { manifests, text } = render(options);
  checkManifests(manifests, text);
  return manifests;
}

const SECRET_KEYS = ['AUTH_SIGNING_KEYS', 'MOSAIC_VAULT_KEYS', 'POSTGRES_OWNER_PASSWORD', 'POSTGRES_APP_PASSWORD', 'NATS_GATEWAY_PASSWORD', 'NATS_AUTH_PASSWORD', 'NATS_PLANNER_PASSWORD', 'NATS_SYNTHESIZER_PASSWORD', 'NATS_WORKER_PASSWORD', 'NATS_ADMIN_PASSWORD'];

// ---------------------------------------------------------------- tests

beforeAll(() => {
  buildRenderer();
});

describe('renderer prerequisites', () => {
  it('builds the Go renderer offline from Debian packages', () => {
    expect(existsSync(buildRenderer())).toBe(true);
  });
});

describe('values.yaml alone', () => {
  it('fails with a clear message naming the missing secret and existingSecret', () => {
    const message = renderFailure();
    expect(message).toMatch(/secrets\.authSigningKeys is required/);
    expect(message).toMatch(/secrets\.existingSecret/);
  });

  it('renders with only secrets.existingSecret set', () => {
    const manifests = renderChecked({ values: [{ secrets: { existingSecret: 'mosaic-secrets' } }] });
    expect(ofKind(manifests, 'Secret')).toHaveLength(0);
    expect(names(manifests, 'Deployment')).toEqual(['mosaic-auth', 'mosaic-connector-files', 'mosaic-connector-postgres', 'mosaic-gateway', 'mosaic-planner', 'mosaic-synthesizer']);
  });
});

describe('default values (ci/default-values.yaml: defaults plus the required secrets)', () => {
  let manifests: Manifest[];
  beforeAll(() => {
    manifests = renderChecked({ valueFiles: [CI_VALUES] });
  });

  it('renders a Deployment and a Service per service, and a Deployment per enabled connector', () => {
    expect(names(manifests, 'Deployment')).toEqual(['mosaic-auth', 'mosaic-connector-files', 'mosaic-connector-postgres', 'mosaic-gateway', 'mosaic-planner', 'mosaic-synthesizer']);
    expect(names(manifests, 'Service')).toEqual(['mosaic-auth', 'mosaic-gateway', 'mosaic-planner', 'mosaic-synthesizer']);
    for (const svc of SERVICES) expect(one<Workload>(manifests, 'Deployment', `mosaic-${svc}`).spec.replicas).toBe(2);
  });

  it('runs each service entry point with its port, NATS identity and health probes on the real paths', () => {
    const ports: Record<string, number> = { gateway: 8080, auth: 8081, planner: 8082, synthesizer: 8083 };
    for (const svc of SERVICES) {
      const [c] = containersOf(one<Workload>(manifests, 'Deployment', `mosaic-${svc}`));
      const env = envOf(c);
      expect(c.command).toEqual(['node', '--enable-source-maps', `dist/services/${svc}/src/main.js`]);
      expect(c.ports).toEqual([{ name: 'http', containerPort: ports[svc], protocol: 'TCP' }]);
      expect(env.PORT.value).toBe(String(ports[svc]));
      expect(env.HOST.value).toBe('0.0.0.0');
      expect(env.NATS_USER.value).toBe(svc);
      expect(env.NATS_PASSWORD.valueFrom?.secretKeyRef).toEqual({ name: 'mosaic', key: `NATS_${svc.toUpperCase()}_PASSWORD` });
      const prefix = svc === 'gateway' ? '/api' : '';
      expect(c.livenessProbe?.httpGet).toEqual({ path: `${prefix}/health/live`, port: 'http' });
      expect(c.startupProbe?.httpGet).toEqual({ path: `${prefix}/health/live`, port: 'http' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: `${prefix}/health/ready`, port: 'http' });
    }
    for (const id of ['files', 'postgres']) {
      const [c] = containersOf(one<Workload>(manifests, 'Deployment', `mosaic-connector-${id}`));
      expect(c.command).toEqual(['node', '--enable-source-maps', 'dist/services/connector-worker/src/main.js']);
      expect(envOf(c).CONNECTOR.value).toBe(id);
      expect(envOf(c).NATS_USER.value).toBe('worker');
      expect(envOf(c).PORT.value).toBe('8090');
      expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
    }
  });

  it('wires Postgres, Redis and the keys to the services that use them, secrets only by reference', () => {
    const env = (name: string) => envOf(containersOf(one<Workload>(manifests, 'Deployment', name))[0]);
    expect(env('mosaic-gateway').DATABASE_URL.value).toBe('postgres://mosaic:$(POSTGRES_OWNER_PASSWORD)@postgres:5432/mosaic');
    expect(env('mosaic-auth').APP_DATABASE_URL.value).toBe('postgres://mosaic_app:$(POSTGRES_APP_PASSWORD)@postgres:5432/mosaic');
    expect(env('mosaic-auth').DATABASE_URL).toBeUndefined();
    for (const key of ['AUTH_SIGNING_KEYS', 'MOSAIC_VAULT_KEYS']) {
      expect(env('mosaic-auth')[key].valueFrom?.secretKeyRef).toEqual({ name: 'mosaic', key });
      for (const other of ['mosaic-gateway', 'mosaic-planner', 'mosaic-synthesizer', 'mosaic-connector-files']) expect(env(other)[key]).toBeUndefined();
    }
    for (const name of ['mosaic-gateway', 'mosaic-auth', 'mosaic-synthesizer', 'mosaic-connector-files']) expect(env(name).REDIS_URL.value).toBe('redis://redis:6379/0');
    expect(env('mosaic-planner').REDIS_URL).toBeUndefined();
    for (const name of ['mosaic-planner', 'mosaic-synthesizer', 'mosaic-connector-postgres']) {
      expect(env(name).ANTHROPIC_API_KEY.valueFrom?.secretKeyRef).toEqual({ name: 'mosaic', key: 'ANTHROPIC_API_KEY', optional: true });
    }
    expect(env('mosaic-gateway').ANTHROPIC_API_KEY).toBeUndefined();
    expect(env('mosaic-gateway').MOSAIC_SOURCES.value).toBe('files,postgres');
    expect(env('mosaic-gateway').DEPLOYMENT_CREDENTIAL_SOURCES.value).toBe('');
    for (const w of workloads(manifests)) for (const c of containersOf(w)) for (const e of c.env ?? []) expect(e.value ?? '').not.toMatch(/ci-owner-password|ci-app-password|Password0/);

    const secret = one<Manifest & { stringData: Record<string, string>; metadata: { annotations: Record<string, string> } }>(manifests, 'Secret', 'mosaic');
    expect(Object.keys(secret.stringData).sort()).toEqual([...SECRET_KEYS].sort());
    expect(secret.stringData.NATS_WORKER_PASSWORD).toBe(CI.secrets.natsPasswords.worker);
    expect(secret.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(Number(secret.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(-5);
  });

  it('autoscales each connector with an HPA on CPU when KEDA is off', () => {
    expect(ofKind(manifests, 'ScaledObject')).toHaveLength(0);
    expect(names(manifests, 'HorizontalPodAutoscaler')).toEqual(['mosaic-connector-files', 'mosaic-connector-postgres']);
    const hpa = one<Manifest & { spec: { minReplicas: number; maxReplicas: number; metrics: unknown[] } }>(manifests, 'HorizontalPodAutoscaler', 'mosaic-connector-files');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } }]);
  });

  it('has a PodDisruptionBudget per Deployment', () => {
    expect(names(manifests, 'PodDisruptionBudget')).toEqual(names(manifests, 'Deployment'));
  });

  it('monitors every service and worker, labelled like deploy/prometheus (job mosaic, the app service label)', () => {
    expect(names(manifests, 'ServiceMonitor')).toEqual(['mosaic-auth', 'mosaic-gateway', 'mosaic-planner', 'mosaic-synthesizer']);
    for (const svc of SERVICES) {
      const sm = one<Manifest & { spec: { endpoints: Array<Record<string, unknown>> } }>(manifests, 'ServiceMonitor', `mosaic-${svc}`);
      expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics', honorLabels: true });
      expect(sm.spec.endpoints[0].relabelings).toEqual([
        { targetLabel: 'job', replacement: 'mosaic' },
        { targetLabel: 'service', replacement: svc },
      ]);
    }
    const pm = one<Manifest & { spec: { podMetricsEndpoints: Array<Record<string, unknown>> } }>(manifests, 'PodMonitor', 'mosaic-connector-workers');
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics', honorLabels: true });
    expect(pm.spec.podMetricsEndpoints[0].relabelings).toContainEqual({ sourceLabels: ['__meta_kubernetes_pod_label_mosaic_dev_connector'], targetLabel: 'service', replacement: 'connector-worker-$1' });
  });

  it('runs migrations and stream provisioning as pre-install/pre-upgrade hooks after the Secret', () => {
    const migrate = one<Workload>(manifests, 'Job', 'mosaic-migrate');
    const streams = one<Workload>(manifests, 'Job', 'mosaic-streams');
    expect(migrate.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(streams.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const weight = (m: Manifest) => Number(m.metadata.annotations?.['helm.sh/hook-weight']);
    expect(weight(one(manifests, 'Secret', 'mosaic'))).toBeLessThan(weight(migrate));
    expect(weight(migrate)).toBeLessThan(weight(streams));
    const [m] = containersOf(migrate);
    expect(m.command).toEqual(['node', '--enable-source-maps', 'dist/libs/persistence/src/migrate.main.js']);
    expect(envOf(m).DATABASE_URL.value).toBe('postgres://mosaic:$(POSTGRES_OWNER_PASSWORD)@postgres:5432/mosaic');
    const [s] = containersOf(streams);
    expect(envOf(s).NATS_ADMIN_USER.value).toBe('admin');
    expect(envOf(s).NATS_ADMIN_PASSWORD.valueFrom?.secretKeyRef).toEqual({ name: 'mosaic', key: 'NATS_ADMIN_PASSWORD' });
    expect(s.command?.[2]).toContain('provisionStreams');
  });

  it('denies all traffic by default and opens only the flows each component needs', () => {
    type Policy = Manifest & { spec: { podSelector: LabelSelector; policyTypes: string[]; ingress?: unknown[]; egress?: Array<{ to?: unknown[]; ports?: Array<{ port: number | string }> }> } };
    const deny = one<Policy>(manifests, 'NetworkPolicy', 'mosaic-default-deny');
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
    const pods = workloads(manifests).map((w) => ({ name: w.metadata.name, labels: w.spec.template.metadata.labels }));
    for (const p of pods) expect(selects(deny.spec.podSelector, p.labels)).toBe(true);
    const selected = (policy: string) => pods.filter((p) => selects(one<Policy>(manifests, 'NetworkPolicy', policy).spec.podSelector, p.labels)).map((p) => p.name).sort();
    expect(selected('mosaic-gateway-ingress')).toEqual(['mosaic-gateway']);
    expect(selected('mosaic-nats-egress')).toEqual(['mosaic-auth', 'mosaic-connector-files', 'mosaic-connector-postgres', 'mosaic-gateway', 'mosaic-planner', 'mosaic-streams', 'mosaic-synthesizer']);
    expect(selected('mosaic-postgres-egress')).toEqual(['mosaic-auth', 'mosaic-gateway', 'mosaic-migrate']);
    expect(selected('mosaic-redis-egress')).toEqual(['mosaic-auth', 'mosaic-connector-files', 'mosaic-connector-postgres', 'mosaic-gateway', 'mosaic-synthesizer']);
    expect(selected('mosaic-internet-egress')).toEqual(['mosaic-connector-files', 'mosaic-connector-postgres', 'mosaic-planner', 'mosaic-synthesizer']);
    expect(selected('mosaic-dns')).toEqual(pods.map((p) => p.name).sort());
    const internet = one<Policy>(manifests, 'NetworkPolicy', 'mosaic-internet-egress');
    expect(internet.spec.egress?.[0]).toEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'] } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    });
    expect(one<Policy>(manifests, 'NetworkPolicy', 'mosaic-nats-egress').spec.egress?.[0].ports).toEqual([{ protocol: 'TCP', port: 4222 }]);
  });

  it('gives the gateway an Ingress only when asked', () => {
    expect(ofKind(manifests, 'Ingress')).toHaveLength(0);
    const withIngress = renderChecked({ valueFiles: [CI_VALUES], values: [{ gateway: { ingress: { enabled: true, className: 'nginx', host: 'mosaic.acme.test', tlsSecretName: 'mosaic-tls' } } }] });
    const ingress = one<Manifest & { spec: Record<string, unknown> }>(withIngress, 'Ingress', 'mosaic-gateway');
    expect(ingress.spec).toMatchObject({ ingressClassName: 'nginx', tls: [{ hosts: ['mosaic.acme.test'], secretName: 'mosaic-tls' }] });
  });
});

describe('KEDA on', () => {
  let manifests: Manifest[];
  beforeAll(() => {
    manifests = renderChecked({
      valueFiles: [CI_VALUES],
      values: [
        {
          autoscaling: { keda: { enabled: true } },
          nats: { host: 'nats', namespace: 'messaging' },
          planner: { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, lagThreshold: 25 } },
          synthesizer: { autoscaling: { enabled: true } },
          gateway: { autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 12 } },
          connectors: { github: { enabled: true, replicas: 2, autoscaling: { maxReplicas: 30, lagThreshold: 5 } } },
        },
      ],
      apiVersions: ['keda.sh/v1alpha1'],
    });
  });

  it('scales each connector on the lag of its JetStream durable consumer', () => {
    expect(names(manifests, 'ScaledObject')).toEqual(['mosaic-connector-files', 'mosaic-connector-github', 'mosaic-connector-postgres', 'mosaic-planner', 'mosaic-synthesizer']);
    const so = one<Manifest & { spec: { minReplicaCount: number; maxReplicaCount: number; triggers: Array<{ type: string; metadata: Record<string, string> }> } }>(manifests, 'ScaledObject', 'mosaic-connector-github');
    expect(so.spec.minReplicaCount).toBe(2);
    expect(so.spec.maxReplicaCount).toBe(30);
    expect(so.spec.triggers).toEqual([
      {
        type: 'nats-jetstream',
        metadata: {
          natsServerMonitoringEndpoint: 'nats.messaging.svc.cluster.local:8222',
          account: '$G',
          stream: 'MOSAIC_TASKS_V1',
          consumer: 'connector-github',
          lagThreshold: '5',
          activationLagThreshold: '0',
          useHttps: 'false',
        },
      },
    ]);
    expect(envOf(containersOf(one<Workload>(manifests, 'Deployment', 'mosaic-connector-github'))[0]).NATS_URL.value).toBe('nats://nats.messaging.svc:4222');
  });

  it('scales planner and synthesizer on their consumers and the gateway on CPU', () => {
    const trigger = (name: string) => one<Manifest & { spec: { triggers: Array<{ metadata: Record<string, string> }> } }>(manifests, 'ScaledObject', name).spec.triggers[0].metadata;
    expect(trigger('mosaic-planner')).toMatchObject({ stream: 'MOSAIC_QUERIES_V1', consumer: 'planner', lagThreshold: '25' });
    expect(trigger('mosaic-synthesizer')).toMatchObject({ stream: 'MOSAIC_RESULTS_V1', consumer: 'synthesizer-results' });
    expect(names(manifests, 'HorizontalPodAutoscaler')).toEqual(['mosaic-gateway']);
    expect(one<Manifest & { spec: { minReplicas: number } }>(manifests, 'HorizontalPodAutoscaler', 'mosaic-gateway').spec.minReplicas).toBe(3);
    expect(one<Workload>(manifests, 'Deployment', 'mosaic-auth').spec.replicas).toBe(2);
  });

  it('warns in NOTES.txt only when the cluster lacks KEDA', () => {
    const values = [{ autoscaling: { keda: { enabled: true } } }];
    expect(renderNotes({ valueFiles: [CI_VALUES], values })).toMatch(/WARNING: autoscaling\.keda\.enabled is true/);
    const notes = renderNotes({ valueFiles: [CI_VALUES], values, apiVersions: ['keda.sh/v1alpha1', 'monitoring.coreos.com/v1'] });
    expect(notes).not.toMatch(/WARNING/);
    expect(notes).toMatch(/mosaic-connector-files: KEDA 1-10 replicas on the lag of connector-files/);
  });
});

describe('a subset of connectors', () => {
  let manifests: Manifest[];
  const stdioCommands = { wiki: { command: '/usr/bin/node', args: ['/opt/wiki.js'], env: { WIKI_ROOT: '/wiki' } } };
  beforeAll(() => {
    manifests = renderChecked({
      valueFiles: [CI_VALUES],
      values: [
        {
          connectorDefaults: { egressAllow: ['*.corp.example'], env: { WORKER_CONCURRENCY: '4' } },
          connectors: {
            files: { enabled: false },
            postgres: { enabled: false },
            mysql: {
              enabled: true,
              secretEnv: { MYSQL_URL: { secretName: 'mosaic-sources', key: 'mysql-url' } },
              networkPolicy: { egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 3306 }] }] },
              deploymentCredentials: true,
            },
            github: {
              enabled: true,
              replicas: 3,
              env: { GITHUB_DEFAULT_OWNER: 'acme', WORKER_CONCURRENCY: '16' },
              secretEnv: { GITHUB_TOKEN: { secretName: 'mosaic-sources', key: 'github-token', optional: true } },
              resources: { limits: { memory: '2Gi' } },
              autoscaling: { maxReplicas: 20, targetCPUUtilizationPercentage: 60 },
            },
            slack: { enabled: true, replicas: 2 },
            echo: { enabled: true, replicas: 2, autoscaling: { enabled: false } },
            mcp: { enabled: true, replicas: 2, egressAllow: ['mcp.internal', '10.0.0.0/8'], stdioCommands },
          },
        },
      ],
    });
  });

  it('renders exactly one Deployment per enabled connector, with CONNECTOR and its replicas', () => {
    expect(names(manifests, 'Deployment').filter((n) => n.includes('connector'))).toEqual(['mosaic-connector-echo', 'mosaic-connector-github', 'mosaic-connector-mcp', 'mosaic-connector-mysql', 'mosaic-connector-slack']);
    for (const id of ['echo', 'github', 'mcp', 'mysql', 'slack']) {
      const d = one<Workload>(manifests, 'Deployment', `mosaic-connector-${id}`);
      expect(envOf(containersOf(d)[0]).CONNECTOR.value).toBe(id);
      expect(d.spec.template.metadata.labels['mosaic.dev/connector']).toBe(id);
    }
    // echo has no autoscaler: the Deployment holds its replicas; the others' autoscalers start at them.
    expect(one<Workload>(manifests, 'Deployment', 'mosaic-connector-echo').spec.replicas).toBe(2);
    expect(names(manifests, 'HorizontalPodAutoscaler')).toEqual(['mosaic-connector-github', 'mosaic-connector-mcp', 'mosaic-connector-mysql', 'mosaic-connector-slack']);
    const hpa = (id: string) => one<Manifest & { spec: { minReplicas: number; maxReplicas: number; metrics: Array<{ resource: { target: { averageUtilization: number } } }> } }>(manifests, 'HorizontalPodAutoscaler', `mosaic-connector-${id}`).spec;
    expect(hpa('github')).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
    expect(hpa('github').metrics[0].resource.target.averageUtilization).toBe(60);
    expect(hpa('slack')).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(hpa('mysql')).toMatchObject({ minReplicas: 1 });
    expect(names(manifests, 'PodDisruptionBudget').filter((n) => n.includes('connector'))).toHaveLength(5);
  });

  it('applies connector env, secretEnv, resources and the MCP settings', () => {
    const env = (id: string) => envOf(containersOf(one<Workload>(manifests, 'Deployment', `mosaic-connector-${id}`))[0]);
    expect(env('github').GITHUB_DEFAULT_OWNER.value).toBe('acme');
    expect(env('github').WORKER_CONCURRENCY.value).toBe('16');
    expect(env('slack').WORKER_CONCURRENCY.value).toBe('4');
    expect(env('github').GITHUB_TOKEN.valueFrom?.secretKeyRef).toEqual({ name: 'mosaic-sources', key: 'github-token', optional: true });
    expect(env('mysql').MYSQL_URL.valueFrom?.secretKeyRef).toEqual({ name: 'mosaic-sources', key: 'mysql-url' });
    expect(containersOf(one<Workload>(manifests, 'Deployment', 'mosaic-connector-github'))[0].resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(env('mcp').MCP_EGRESS_ALLOW.value).toBe('*.corp.example,mcp.internal,10.0.0.0/8');
    expect(env('github').MCP_EGRESS_ALLOW.value).toBe('*.corp.example');
    expect(JSON.parse(env('mcp').MCP_STDIO_COMMANDS.value ?? '')).toEqual(stdioCommands);
    expect(env('github').MCP_STDIO_COMMANDS).toBeUndefined();
    const gateway = envOf(containersOf(one<Workload>(manifests, 'Deployment', 'mosaic-gateway'))[0]);
    expect(gateway.MOSAIC_SOURCES.value).toBe('mysql,github,slack,echo,mcp');
    expect(gateway.DEPLOYMENT_CREDENTIAL_SOURCES.value).toBe('mysql');
  });

  it("adds a connector's own egress rules in a policy for its pods only", () => {
    const policy = one<Manifest & { spec: { podSelector: LabelSelector; egress: unknown[] } }>(manifests, 'NetworkPolicy', 'mosaic-connector-mysql-egress');
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 3306 }] }]);
    const selected = workloads(manifests).filter((w) => selects(policy.spec.podSelector, w.spec.template.metadata.labels));
    expect(selected.map((w) => w.metadata.name)).toEqual(['mosaic-connector-mysql']);
  });
});

describe('secrets.existingSecret', () => {
  const inline = ['sk-ant-never-inline-0123456789', CI.secrets.authSigningKeys, CI.secrets.vaultKeys, CI.secrets.postgresOwnerPassword, CI.secrets.postgresAppPassword, 'redis-never-inline', ...Object.values(CI.secrets.natsPasswords)];
  let manifests: Manifest[];
  let text: string;
  beforeAll(() => {
    const options: RenderOptions = {
      // Inline values are still set (e.g. a base values file): they must be ignored.
      valueFiles: [CI_VALUES],
      values: [{ secrets: { existingSecret: 'mosaic-prod', anthropicApiKey: inline[0], redisPassword: 'redis-never-inline' }, redis: { auth: { enabled: true } } }],
    };
    manifests = renderChecked(options);
    text = render(options).text + renderNotes(options);
  });

  it('renders no Secret and inlines no secret value anywhere', () => {
    expect(ofKind(manifests, 'Secret')).toHaveLength(0);
    for (const value of inline) expect(text.includes(value)).toBe(false);
    for (const w of workloads(manifests)) expect(w.spec.template.metadata.annotations?.['checksum/secret']).toBeUndefined();
  });

  it('takes every key from the existing Secret', () => {
    const refs = workloads(manifests).flatMap((w) => containersOf(w).flatMap((c) => (c.env ?? []).map((e) => e.valueFrom?.secretKeyRef).filter((r): r is SecretKeyRef => !!r)));
    expect(refs.length).toBeGreaterThan(10);
    expect(new Set(refs.map((r) => r.name))).toEqual(new Set(['mosaic-prod']));
    expect(new Set(refs.map((r) => r.key))).toEqual(new Set([...SECRET_KEYS, 'ANTHROPIC_API_KEY', 'REDIS_PASSWORD']));
    const gateway = envOf(containersOf(one<Workload>(manifests, 'Deployment', 'mosaic-gateway'))[0]);
    expect(gateway.REDIS_URL.value).toBe('redis://:$(REDIS_PASSWORD)@redis:6379/0');
    const natsValues = YAML.parse(one<Manifest & { data: Record<string, string> }>(manifests, 'ConfigMap', 'mosaic-nats-config').data['nats-chart-values.yaml']) as { container: { env: Record<string, { valueFrom: { secretKeyRef: SecretKeyRef } }> } };
    for (const ref of Object.values(natsValues.container.env)) expect(ref.valueFrom.secretKeyRef.name).toBe('mosaic-prod');
  });

  it('without existingSecret, requires the Redis password once Redis auth is on', () => {
    expect(renderFailure({ valueFiles: [CI_VALUES], values: [{ redis: { auth: { enabled: true } } }] })).toMatch(/secrets\.redisPassword is required/);
  });
});

describe('optional parts off', () => {
  it('renders no monitoring objects, policies, budgets, hooks or ServiceAccount', () => {
    const manifests = renderChecked({
      valueFiles: [CI_VALUES],
      values: [
        {
          metrics: { serviceMonitor: { enabled: false }, prometheusRule: { enabled: false }, dashboards: { enabled: false } },
          networkPolicy: { enabled: false },
          podDisruptionBudget: { enabled: false },
          migrations: { enabled: false },
          streams: { enabled: false },
          serviceAccount: { create: false },
        },
      ],
    });
    expect(manifests.filter((m) => m.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
    for (const kind of ['NetworkPolicy', 'PodDisruptionBudget', 'Job', 'ServiceAccount']) expect(ofKind(manifests, kind)).toEqual([]);
    for (const d of ofKind<Workload>(manifests, 'Deployment')) expect(d.spec.template.spec.serviceAccountName).toBe('default');
  });
});

describe('alerts and dashboards from files/', () => {
  const alerts = `groups:
  - name: fixture
    rules:
      - record: mosaic:fixture:rate5m
        expr: sum(rate(mosaic_http_request_duration_seconds_count[5m]))
      - alert: MosaicFixture
        expr: up{job=~"mosaic.*"} == 0
        for: 1m
        labels: { severity: page }
        annotations: { summary: "{{ $labels.service }} is down" }
`;
  const dashboard = { uid: 'mosaic-fixture', title: 'Mosaic / Fixture', panels: [{ type: 'timeseries', targets: [{ expr: 'up{job="mosaic"}' }] }] };
  let chart: string;
  beforeAll(() => {
    chart = mkdtempSync(path.join(os.tmpdir(), 'mosaic-chart-'));
    cpSync(CHART, chart, { recursive: true });
    rmSync(path.join(chart, 'files'), { recursive: true, force: true });
    mkdirSync(path.join(chart, 'files', 'dashboards'), { recursive: true });
    writeFileSync(path.join(chart, 'files', 'alerts.yml'), alerts);
    writeFileSync(path.join(chart, 'files', 'dashboards', 'Fixture_One.json'), JSON.stringify(dashboard, null, 2));
    writeFileSync(path.join(chart, 'files', 'dashboards', 'two.json'), JSON.stringify({ ...dashboard, uid: 'two' }));
  });
  afterAll(() => rmSync(chart, { recursive: true, force: true }));

  it('builds a PrometheusRule from files/alerts.yml and a labelled ConfigMap per dashboard', () => {
    const manifests = renderChecked({
      chart,
      valueFiles: [CI_VALUES],
      values: [{ metrics: { prometheusRule: { labels: { release: 'kube-prometheus-stack' } }, dashboards: { namespace: NAMESPACE, annotations: { grafana_folder: 'Mosaic' } } } }],
    });
    const rule = one<Manifest & { spec: { groups: unknown[] } }>(manifests, 'PrometheusRule', 'mosaic');
    expect(rule.spec.groups).toEqual((YAML.parse(alerts) as { groups: unknown[] }).groups);
    expect(rule.metadata.labels?.release).toBe('kube-prometheus-stack');
    const boards = ofKind<Manifest & { data: Record<string, string> }>(manifests, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(boards.map((b) => b.metadata.name).sort()).toEqual(['mosaic-dashboard-fixture-one', 'mosaic-dashboard-two']);
    const one_ = boards.find((b) => b.metadata.name === 'mosaic-dashboard-fixture-one');
    expect(Object.keys(one_?.data ?? {})).toEqual(['Fixture_One.json']);
    expect(JSON.parse(one_?.data['Fixture_One.json'] ?? '')).toEqual(dashboard);
    expect(one_?.metadata.annotations).toEqual({ grafana_folder: 'Mosaic' });
  });

  it('fails clearly on a rule file without groups', () => {
    writeFileSync(path.join(chart, 'files', 'alerts.yml'), 'rules: []\n');
    expect(renderFailure({ chart, valueFiles: [CI_VALUES] })).toMatch(/files\/alerts\.yml has no rule groups/);
    writeFileSync(path.join(chart, 'files', 'alerts.yml'), alerts);
  });

  it("renders exactly the chart's own copies, which match deploy/ when it has them", () => {
    const files = path.join(CHART, 'files');
    const dashboards = existsSync(path.join(files, 'dashboards')) ? readdirSync(path.join(files, 'dashboards')).filter((f) => f.endsWith('.json')) : [];
    const hasAlerts = existsSync(path.join(files, 'alerts.yml'));
    const { manifests } = render({ valueFiles: [CI_VALUES] });
    expect(ofKind(manifests, 'PrometheusRule')).toHaveLength(hasAlerts ? 1 : 0);
    expect(ofKind(manifests, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1')).toHaveLength(dashboards.length);
    const originals: Array<[string, string]> = [[path.join(files, 'alerts.yml'), path.join(ROOT, 'deploy', 'prometheus', 'alerts.yml')], ...dashboards.map((f): [string, string] => [path.join(files, 'dashboards', f), path.join(ROOT, 'deploy', 'grafana', 'dashboards', f)])];
    for (const [copy, original] of originals) {
      if (existsSync(copy) && existsSync(original)) expect(`${path.relative(ROOT, copy)} ${readFileSync(copy, 'utf8') === readFileSync(original, 'utf8') ? 'matches' : 'differs from'} ${path.relative(ROOT, original)}`).toMatch(/ matches /);
    }
  });
});

describe('NATS users and permissions', () => {
  let conf: string;
  let chartValues: { config: { jetstream: { enabled: boolean }; merge: { authorization: { users: Array<{ user: string; password: string; permissions?: Permissions }> } } }; container: { env: Record<string, unknown> } };
  beforeAll(() => {
    const { manifests } = render({ valueFiles: [CI_VALUES] });
    const cm = one<Manifest & { data: Record<string, string> }>(manifests, 'ConfigMap', 'mosaic-nats-config');
    conf = cm.data['auth.conf'];
    chartValues = YAML.parse(cm.data['nats-chart-values.yaml']) as typeof chartValues;
  });

  interface Permissions {
    allow_responses?: boolean;
    publish?: { allow?: string[]; deny?: string[] };
    subscribe?: { allow?: string[]; deny?: string[] };
  }
  /** Parses the permission blocks nats_permissions (scripts/infra.sh) and auth.conf write. */
  function parsePermissionBlocks(text: string, identityPattern: RegExp): Record<string, Permissions> {
    const out: Record<string, Permissions> = {};
    const parts = text.split(identityPattern);
    for (let i = 1; i < parts.length; i += 2) {
      const body = parts[i + 1];
      const list = (section: string, kind: string): string[] | undefined => {
        const block = new RegExp(`${section}: \\{([^}]*)\\}`).exec(body)?.[1];
        const items = block ? new RegExp(`${kind}: \\[([^\\]]*)\\]`).exec(block)?.[1] : undefined;
        return items === undefined ? undefined : [...items.matchAll(/"([^"]*)"/g)].map((m) => m[1]).sort();
      };
      const p: Permissions = {};
      if (/allow_responses: true/.test(body)) p.allow_responses = true;
      const pub = { allow: list('publish', 'allow'), deny: list('publish', 'deny') };
      const sub = { allow: list('subscribe', 'allow'), deny: list('subscribe', 'deny') };
      if (pub.allow || pub.deny) p.publish = JSON.parse(JSON.stringify(pub)) as Permissions['publish'];
      if (sub.allow || sub.deny) p.subscribe = JSON.parse(JSON.stringify(sub)) as Permissions['subscribe'];
      out[parts[i]] = p;
    }
    return out;
  }
  const sorted = (p: Permissions | undefined): Permissions => JSON.parse(JSON.stringify(p ?? {}, (_k, v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : v))) as Permissions;

  it('match nats_permissions in scripts/infra.sh for every identity', () => {
    const infra = readFileSync(path.join(ROOT, 'scripts', 'infra.sh'), 'utf8');
    const constants = infra.split('\n').filter((l) => /^(NATS_IDENTITIES|JS_[A-Z]+|CREDENTIALS_SUBJECT|MCP_[A-Z_]+|PLANNER_[A-Z_]+)=/.test(l));
    const fn = (name: string) => {
      const m = new RegExp(`^${name}\\(\\) \\{[\\s\\S]*?^\\}`, 'm').exec(infra) ?? new RegExp(`^${name}\\(\\) \\{.*\\}$`, 'm').exec(infra);
      if (!m) throw new Error(`scripts/infra.sh has no function ${name}: update helm/test/chart.spec.ts with its new shape`);
      return m[0];
    };
    expect(constants.length).toBeGreaterThanOrEqual(8);
    const script = [...constants, fn('subjects'), fn('js_durable'), fn('nats_permissions'), 'for id in gateway auth planner synthesizer worker; do echo "@@$id@@"; nats_permissions "$id"; done'].join('\n');
    const out = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    const expected = parsePermissionBlocks(out.stdout, /@@(\w+)@@/);
    const actual = parsePermissionBlocks(conf, /user: "(\w+)", password: /);
    expect(Object.keys(expected)).toEqual(['gateway', 'auth', 'planner', 'synthesizer', 'worker']);
    for (const id of Object.keys(expected)) expect({ id, ...actual[id] }).toEqual({ id, ...expected[id] });
    expect(actual.admin).toEqual({});
  });

  it('are the same in the official NATS chart values, with passwords only from the Secret', () => {
    expect(chartValues.config.jetstream.enabled).toBe(true);
    const users = chartValues.config.merge.authorization.users;
    const fromConf = parsePermissionBlocks(conf, /user: "(\w+)", password: /);
    expect(users.map((u) => u.user)).toEqual(['gateway', 'auth', 'planner', 'synthesizer', 'worker', 'admin']);
    for (const u of users) {
      expect(u.password).toBe(`<< $NATS_${u.user.toUpperCase()}_PASSWORD >>`);
      expect(sorted(u.permissions)).toEqual(sorted(fromConf[u.user]));
      expect(chartValues.container.env[`NATS_${u.user.toUpperCase()}_PASSWORD`]).toEqual({ valueFrom: { secretKeyRef: { name: 'mosaic', key: `NATS_${u.user.toUpperCase()}_PASSWORD` } } });
    }
    for (const password of Object.values(CI.secrets.natsPasswords)) expect(conf.includes(password)).toBe(false);
  });

  it('auth.conf is a valid nats-server configuration that reads each password from the environment', () => {
    const natsServer = ['nats-server', '/usr/sbin/nats-server'].find((bin) => !spawnSync(bin, ['--version']).error);
    if (!natsServer) throw new Error('nats-server is not installed: run `bash scripts/helm-deps.sh`');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mosaic-nats-conf-'));
    try {
      writeFileSync(path.join(dir, 'auth.conf'), conf);
      writeFileSync(path.join(dir, 'nats.conf'), `listen: "127.0.0.1:4222"\nhttp: "127.0.0.1:8222"\njetstream { store_dir: "${dir}/js" }\ninclude "auth.conf"\n`);
      const passwords = Object.fromEntries(Object.entries(CI.secrets.natsPasswords).map(([id, pw]) => [`NATS_${id.toUpperCase()}_PASSWORD`, pw]));
      const ok = spawnSync(natsServer, ['-t', '-c', path.join(dir, 'nats.conf')], { encoding: 'utf8', env: { PATH: process.env.PATH, ...passwords } });
      expect(`${ok.status} ${ok.stderr}${ok.stdout}`).toMatch(/^0 .*is valid/s);
      const missing = spawnSync(natsServer, ['-t', '-c', path.join(dir, 'nats.conf')], { encoding: 'utf8', env: { PATH: process.env.PATH, ...passwords, NATS_WORKER_PASSWORD: undefined } });
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toMatch(/NATS_WORKER_PASSWORD/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the chart agrees with the code it deploys', () => {
  const read = (...p: string[]) => readFileSync(path.join(ROOT, ...p), 'utf8');
  let manifests: Manifest[];
  beforeAll(() => {
    manifests = render({ valueFiles: [CI_VALUES], values: [{ autoscaling: { keda: { enabled: true } }, planner: { autoscaling: { enabled: true } }, synthesizer: { autoscaling: { enabled: true } } }] }).manifests;
  });

  it('uses the stream and durable names of libs/contracts', () => {
    const subjects = read('libs', 'contracts', 'src', 'subjects.ts');
    const stream = (key: string) => new RegExp(`${key}: \\{\\s*name: '([A-Z0-9_]+)'`).exec(subjects)?.[1];
    const consumer = (key: string) => new RegExp(`${key}: '([a-z-]+)'`).exec(subjects)?.[1];
    expect(/connectorWorker: \(connector: string\): string => `connector-\$\{connector\}`/.test(subjects)).toBe(true);
    const metadata = (name: string) => one<Manifest & { spec: { triggers: Array<{ metadata: Record<string, string> }> } }>(manifests, 'ScaledObject', name).spec.triggers[0].metadata;
    expect(metadata('mosaic-connector-files')).toMatchObject({ stream: stream('tasks'), consumer: 'connector-files' });
    expect(metadata('mosaic-planner')).toMatchObject({ stream: stream('queries'), consumer: consumer('planner') });
    expect(metadata('mosaic-synthesizer')).toMatchObject({ stream: stream('results'), consumer: consumer('synthesizerResults') });
    const helpers = read('helm', 'mosaic', 'templates', '_helpers.tpl');
    for (const key of ['queries', 'tasks', 'results', 'events']) expect(helpers).toContain(`${key}: ${stream(key)}`);
    for (const key of ['planner', 'synthesizerPlans', 'synthesizerResults']) expect(helpers).toContain(`${key}: ${consumer(key)}`);
    const history = existsSync(path.join(ROOT, 'libs', 'contracts', 'src', 'history.ts')) ? /HISTORY_CONSUMER = '([a-z-]+)'/.exec(read('libs', 'contracts', 'src', 'history.ts'))?.[1] : undefined;
    if (history) expect(helpers).toContain(`historyWriter: ${history}`);
  });

  it('knows exactly the connectors of the catalog, plus mcp', () => {
    const catalog = read('libs', 'connectors', 'src', 'catalog.ts');
    const block = /export const CONNECTORS[^{]*\{([\s\S]*?)\};/.exec(catalog)?.[1] ?? '';
    const ids = [...block.matchAll(/^\s*([a-z0-9]+):/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    expect(/REGISTERED_MCP_CONNECTOR = 'mcp'/.test(read('libs', 'contracts', 'src', 'mcp-servers.ts'))).toBe(true);
    const values = YAML.parse(read('helm', 'mosaic', 'values.yaml')) as { connectors: Record<string, unknown> };
    const schema = valuesSchema as { properties: { connectors: { properties: Record<string, unknown> } } };
    expect(Object.keys(values.connectors).sort()).toEqual([...ids, 'mcp'].sort());
    expect(Object.keys(schema.properties.connectors.properties).sort()).toEqual([...ids, 'mcp'].sort());
  });

  it('runs entry points that exist, with variables the services read', () => {
    const sources = (dir: string): string =>
      readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts') && !/spec\.ts$/.test(e.name))
        .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'))
        .join('\n');
    const libs = sources(path.join(ROOT, 'libs'));
    const helperOnly = new Set(['POSTGRES_OWNER_PASSWORD', 'POSTGRES_APP_PASSWORD', 'REDIS_PASSWORD', 'HOME', 'NATS_ADMIN_USER', 'NATS_ADMIN_PASSWORD']);
    for (const w of workloads(manifests)) {
      for (const c of containersOf(w)) {
        const entry = c.command?.find((a) => a.startsWith('dist/')) ?? /require\('\.\/(dist\/[^']+)'\)/.exec(c.command?.[2] ?? '')?.[1];
        expect(entry).toBeDefined();
        const source = path.join(ROOT, (entry ?? '').replace(/^dist\//, '').replace(/\.js$/, '.ts'));
        expect(`${entry}: ${existsSync(source)}`).toBe(`${entry}: true`);
        const code = `${readFileSync(source, 'utf8')}\n${libs}\n${entry?.includes('/services/') ? sources(path.join(ROOT, 'services', entry.split('/')[2], 'src')) : ''}`;
        for (const e of c.env ?? []) if (!helperOnly.has(e.name)) expect(`${w.metadata.name} ${e.name}: ${code.includes(e.name)}`).toBe(`${w.metadata.name} ${e.name}: true`);
      }
    }
    expect(read('libs', 'runtime', 'src', 'stack', 'nats-identities.ts')).toMatch(/export async function provisionStreams\(natsUrl: string, admin: NatsCredential\)/);
  });

  it('probes the health routes the services serve', () => {
    expect(read('libs', 'runtime', 'src', 'health.ts')).toMatch(/@Get\('health\/live'\)[\s\S]*@Get\('health\/ready'\)[\s\S]*@Get\('metrics'\)/);
    expect(read('libs', 'runtime', 'src', 'bootstrap.ts')).toMatch(/setGlobalPrefix\(spec\.operationsPrefix, \{ exclude: \['metrics'\] \}\)/);
    expect(read('services', 'gateway', 'src', 'main.ts')).toMatch(/operationsPrefix: 'api'/);
    for (const svc of ['auth', 'planner', 'synthesizer', 'connector-worker']) expect(read('services', svc, 'src', 'main.ts')).not.toMatch(/operationsPrefix/);
  });
});

describe('values.schema.json', () => {
  const base = () => coalescedValues({ valueFiles: [CI_VALUES] });
  const withOverride = (override: object) => coalescedValues({ valueFiles: [CI_VALUES], values: [override] });
  const errors = (values: object): string => (validateValues(values) ? '' : ajv.errorsText(validateValues.errors));

  it('is draft-07 with patterns Go regexp (Helm) can compile, and accepts the defaults', () => {
    expect((valuesSchema as { $schema: string }).$schema).toBe('http://json-schema.org/draft-07/schema#');
    for (const [, pattern] of JSON.stringify(valuesSchema).matchAll(/"pattern":"((?:[^"\\]|\\.)*)"/g)) expect(pattern).not.toMatch(/\(\?[=!<]|\\[1-9]/);
    expect(errors(base())).toBe('');
    expect(errors(coalescedValues())).toBe('');
  });

  it.each<[string, object, RegExp]>([
    ['an unknown connector id', { connectors: { notion: { enabled: true } } }, /must NOT have additional properties/],
    ['a typo at the top level', { conectors: {} }, /must NOT have additional properties/],
    ['zero connector replicas', { connectors: { github: { enabled: true, replicas: 0 } } }, /replicas must be >= 1/],
    ['replicas as text', { connectors: { github: { replicas: 'two' } } }, /replicas must be integer/],
    ['a number as an env value', { connectors: { github: { env: { WORKER_CONCURRENCY: 4 } } } }, /must be string/],
    ['an env name that is not a variable name', { gateway: { env: { 'RATE-LIMIT': '1' } } }, /property name must be valid/],
    ['secretEnv without a key', { connectors: { github: { secretEnv: { GITHUB_TOKEN: { secretName: 'x' } } } } }, /must have required property 'key'/],
    ['an unknown field in a connector', { connectors: { github: { replica: 2 } } }, /must NOT have additional properties/],
    ['a negative KEDA lag threshold', { connectorDefaults: { autoscaling: { lagThreshold: -1 } } }, /lagThreshold must be >= 1/],
    ['a CPU target over 100%', { connectors: { slack: { autoscaling: { targetCPUUtilizationPercentage: 150 } } } }, /must be <= 100/],
    ['a bad pull policy', { image: { pullPolicy: 'Sometimes' } }, /must be equal to one of the allowed values/],
    ['a malformed CPU quantity', { gateway: { resources: { limits: { cpu: 'lots' } } } }, /must match pattern/],
    ['a NATS password NATS cannot read from its environment', { secrets: { natsPasswords: { worker: 'short pw!' } } }, /must match pattern/],
    ['a Postgres password that breaks the URL', { secrets: { postgresOwnerPassword: 'p@ss/word' } }, /must match pattern/],
    ['malformed vault keys', { secrets: { vaultKeys: 'no-kid-here' } }, /must match pattern/],
    ['a stdio command id with capitals', { connectors: { mcp: { stdioCommands: { Wiki: { command: '/bin/wiki' } } } } }, /property name must be valid/],
    ['stdio commands on a connector other than mcp', { connectors: { github: { stdioCommands: {} } } }, /must NOT have additional properties/],
    ['a bad log level', { config: { logLevel: 'verbose' } }, /must be equal to one of the allowed values/],
    ['a scrape interval that is not a duration', { metrics: { serviceMonitor: { interval: '30 seconds' } } }, /must match pattern/],
    ['an image digest that is not sha256', { image: { digest: 'latest' } }, /must match pattern/],
  ])('rejects %s', (_what, override, message) => {
    expect(errors(withOverride(override))).toMatch(message);
  });
});

describe('the renderer implements what Helm adds to text/template', () => {
  let chart: string;
  beforeAll(() => {
    chart = mkdtempSync(path.join(os.tmpdir(), 'mosaic-render-fixture-'));
    mkdirSync(path.join(chart, 'templates'));
    mkdirSync(path.join(chart, 'files', 'conf'), { recursive: true });
    writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: fixture\nversion: 1.2.3\nappVersion: "4.5"\n');
    writeFileSync(path.join(chart, 'values.yaml'), 'greeting: hello\nnested: { keep: 1, drop: 2 }\nlist: [a, b]\ntemplated: "{{ .Values.greeting }} from tpl"\n');
    writeFileSync(path.join(chart, 'files', 'conf', 'a.conf'), 'alpha\n');
    writeFileSync(path.join(chart, 'files', 'conf', 'b.conf'), 'beta\n');
    writeFileSync(path.join(chart, 'templates', '_helpers.tpl'), '{{- define "fixture.upper" -}}{{ . | upper }}{{- end }}\n');
    writeFileSync(
      path.join(chart, 'templates', 'all.yaml'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-{{ .Chart.Name }}',
        '  namespace: {{ .Release.Namespace }}',
        'data:',
        '  include: {{ include "fixture.upper" .Values.greeting | quote }}',
        '  tpl: {{ tpl .Values.templated . | quote }}',
        '  chart: {{ printf "%s %s %s" .Chart.Version .Chart.AppVersion .Release.Service | quote }}',
        '  template: {{ .Template.Name | quote }}',
        '  nested: {{ toJson .Values.nested | quote }}',
        '  list: {{ toYaml .Values.list | quote }}',
        '  fromYaml: {{ (fromYaml "x: 1").x | quote }}',
        '  missing: "{{ .Values.nothing }}"',
        '  get: {{ .Files.Get "files/conf/a.conf" | trim | quote }}',
        '  lines: {{ .Files.Lines "files/conf/b.conf" | toJson | quote }}',
        '  glob: "{{ range $path, $_ := .Files.Glob "files/conf/*.conf" }}{{ $path }};{{ end }}"',
        '  keda: {{ .Capabilities.APIVersions.Has "keda.sh/v1alpha1" | quote }}',
        '  apps: {{ .Capabilities.APIVersions.Has "apps/v1" | quote }}',
        '  lookup: {{ lookup "v1" "Secret" "ns" "x" | len | quote }}',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: as-config',
        'data:',
        '  {{- (.Files.Glob "files/conf/*.conf").AsConfig | nindent 2 }}',
        '{{- if .Values.fail }}',
        '{{ required "fail is set, so this is required" .Values.absent }}',
        '{{- end }}',
      ].join('\n'),
    );
    writeFileSync(path.join(chart, 'templates', 'NOTES.txt'), 'Thanks for installing {{ .Chart.Name }}.\n');
  });
  afterAll(() => rmSync(chart, { recursive: true, force: true }));

  it('renders include, tpl, toYaml, fromYaml, .Files, .Chart, .Release, .Template and .Capabilities like Helm', () => {
    const { manifests, text } = render({ chart, release: 'rel', values: [{ nested: { drop: null, added: true } }], apiVersions: ['keda.sh/v1alpha1'] });
    expect(text).toMatch(/^---\n# Source: fixture\/templates\/all\.yaml\n/);
    const [cm, asConfig] = manifests as Array<Manifest & { data: Record<string, string> }>;
    expect(cm.metadata).toEqual({ name: 'rel-fixture', namespace: 'mosaic' });
    expect(cm.data).toEqual({
      include: 'HELLO',
      tpl: 'hello from tpl',
      chart: '1.2.3 4.5 Helm',
      template: 'fixture/templates/all.yaml',
      nested: '{"added":true,"keep":1}',
      list: '- a\n- b',
      fromYaml: '1',
      missing: '',
      get: 'alpha',
      lines: '["beta"]',
      glob: 'files/conf/a.conf;files/conf/b.conf;',
      keda: 'true',
      apps: 'true',
      lookup: '0',
    });
    expect(asConfig.data).toEqual({ 'a.conf': 'alpha\n', 'b.conf': 'beta\n' });
    expect(renderNotes({ chart })).toBe('Thanks for installing fixture.\n');
  });

  it('fails like Helm on required values and reports the message', () => {
    expect(renderFailure({ chart, values: [{ fail: true }] })).toMatch(/fail is set, so this is required/);
  });

  it('parses what it renders with the yaml package', () => {
    expect(parseManifests('---\n# Source: x\n\n---\na: 1\n')).toEqual([{ a: 1 }]);
    expect(() => parseManifests('a: [1\n')).toThrow(/does not parse/);
  });
});

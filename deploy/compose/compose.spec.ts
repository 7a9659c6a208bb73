/**
 * The container build and the Docker Compose stack, checked without a Docker engine (none on
 * these machines): docker-compose.yml's structure, dependency graph, published ports and each
 * service's environment against the service's own config schema; deploy/compose/nats.conf
 * against scripts/infra.sh's permissions and a real nats-server; the Dockerfile's stages;
 * Prometheus's and Grafana's provisioning. `docker compose config`, `nats-server` and `promtool`
 * run when installed (a logged note says when one is not).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { parse } from 'yaml';
import type { ZodTypeAny } from 'zod';
import { importSigningKey, VaultKeyRing } from '@mosaic/security';
// The services' own env schemas: the compose environment must satisfy exactly what each
// service validates at start-up. (Test-only imports of the services' config modules.)
// eslint-disable-next-line @nx/enforce-module-boundaries
import { authEnvSchema } from '../../services/auth/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { workerEnvSchema } from '../../services/connector-worker/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { gatewayEnvSchema } from '../../services/gateway/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { plannerEnvSchema } from '../../services/planner/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { synthesizerEnvSchema } from '../../services/synthesizer/src/config';
import {
  ComposeFile,
  dependencies,
  documentedVariables,
  Env,
  findCycle,
  loadCompose,
  parseComposeYaml,
  parseDockerfile,
  parseDotenv,
  publishedPorts,
  Service,
  serviceEnvironment,
  variableReferences,
} from './compose-model';

const ROOT = path.resolve(__dirname, '..', '..');
const at = (...parts: string[]) => path.join(ROOT, ...parts);
const COMPOSE_FILE = at('docker-compose.yml');
const COMPOSE_TEXT = readFileSync(COMPOSE_FILE, 'utf8');
const NATS_CONF = at('deploy', 'compose', 'nats.conf');
const INFRA_SH = readFileSync(at('scripts', 'infra.sh'), 'utf8');

/** Infrastructure that scripts/infra.sh starts by name, without a profile. */
const INFRA_SERVICES = ['nats', 'postgres', 'redis', 'mariadb'];
/** The only services whose ports the whole stack publishes (besides the infrastructure's, which infra.sh needs). */
const PUBLISHED_APP_SERVICES = ['gateway', 'prometheus', 'grafana'];
/** Each Mosaic service entry point and the schema it validates its environment with at start-up. */
const SCHEMAS: Record<string, ZodTypeAny> = {
  gateway: gatewayEnvSchema,
  auth: authEnvSchema,
  planner: plannerEnvSchema,
  synthesizer: synthesizerEnvSchema,
  'connector-worker': workerEnvSchema,
};
/** NATS identity per Mosaic service (libs/runtime/src/stack/mosaic-stack.ts: every worker is `worker`). */
const IDENTITY: Record<string, string> = { gateway: 'gateway', auth: 'auth', planner: 'planner', synthesizer: 'synthesizer', 'connector-worker': 'worker' };

/** The environment for the scripts the tests run, with this Node first on PATH. */
const childEnv = (extra: Env = {}): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}`, ...extra });
const has = (command: string, ...args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const note = (line: string) => process.stderr.write(`[compose.spec] ${line}\n`);

/** A `.env` as deploy/compose/init-env.sh writes it (fresh secrets), read like compose reads it. */
function generatedEnv(dir: string): { file: string; env: Env } {
  const file = path.join(dir, 'generated.env');
  execFileSync('bash', [at('deploy', 'compose', 'init-env.sh'), '--out', file], { env: childEnv(), stdio: 'pipe' });
  return { file, env: parseDotenv(readFileSync(file, 'utf8')) };
}

/** The Mosaic service a compose service runs (`dist/services/<name>/src/main.js`), if any. */
function mosaicService(service: Service): string | undefined {
  const command = Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
  return /dist\/services\/([a-z-]+)\/src\/main\.js/.exec(command)?.[1];
}

const isOneShot = (service: Service) => service.restart === 'no' && service.healthcheck?.disable === true;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

let tmp: string;
let generated: { file: string; env: Env };
let compose: ComposeFile;
let services: Record<string, Service>;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'mosaic-compose-'));
  generated = generatedEnv(tmp);
  compose = loadCompose(COMPOSE_FILE, generated.env);
  services = compose.services;
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('docker-compose.yml: services and dependencies', () => {
  it('gives every service an image or a build', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, ok: Boolean(service.image || service.build) }).toEqual({ name, ok: true });
    }
  });

  it('gives every service a health check, or makes it a one-shot job that others wait for', () => {
    const awaited = new Set(
      Object.values(services).flatMap((s) =>
        Object.entries(dependencies(s))
          .filter(([, condition]) => condition === 'service_completed_successfully')
          .map(([dep]) => dep),
      ),
    );
    for (const [name, service] of Object.entries(services)) {
      const health = service.healthcheck;
      const ok = isOneShot(service) ? awaited.has(name) : Boolean(health && !health.disable && health.test && health.test.length > 0);
      expect({ name, ok }).toEqual({ name, ok: true });
    }
    expect(Object.keys(services).filter((n) => isOneShot(services[n]!)).sort()).toEqual(['migrate', 'provision', 'sample-data']);
  });

  it('depends only on services that exist, with conditions they can meet, and without cycles', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependencies(service))) {
        const target = services[dep];
        expect({ name, dep, exists: Boolean(target) }).toEqual({ name, dep, exists: true });
        if (!target) continue;
        const expected = isOneShot(target) ? 'service_completed_successfully' : 'service_healthy';
        expect({ name, dep, condition }).toEqual({ name, dep, condition: expected });
      }
    }
    expect(findCycle(services)).toBeUndefined();
    // The checker itself finds one.
    expect(findCycle({ a: { depends_on: ['b'] }, b: { depends_on: { a: { condition: 'service_healthy' } } } })).toEqual(['a', 'b', 'a']);
  });

  it('starts the gateway after everything behind it, and every service after provisioning', () => {
    const gatewayDeps = Object.keys(dependencies(services['gateway']!));
    for (const name of Object.keys(services).filter((n) => mosaicService(services[n]!) && n !== 'gateway')) {
      expect(gatewayDeps).toContain(name);
    }
    for (const name of Object.keys(services).filter((n) => mosaicService(services[n]!))) {
      expect({ name, deps: Object.keys(dependencies(services[name]!)) }).toEqual({ name, deps: expect.arrayContaining(['provision']) });
    }
    expect(Object.keys(dependencies(services['auth']!))).toEqual(expect.arrayContaining(['migrate']));
    expect(Object.keys(dependencies(services['worker-postgres']!))).toEqual(expect.arrayContaining(['sample-data']));
  });

  it('runs every Mosaic service, two connector workers and the jobs from the one image, hardened', () => {
    const images = new Set<string>();
    const app = Object.entries(services).filter(([, s]) => mosaicService(s) || isOneShot(s));
    for (const [name, service] of app) {
      images.add(String(service.image));
      expect({ name, build: service.build, read_only: service.read_only, init: service['init'], cap_drop: service['cap_drop'], user: service.user }).toEqual({
        name,
        build: { context: '.', dockerfile: 'Dockerfile' },
        read_only: true,
        init: true,
        cap_drop: ['ALL'],
        user: undefined, // the image's non-root user
      });
    }
    expect([...images]).toEqual(['mosaic:local']);
    expect(new Set(app.map(([, s]) => mosaicService(s)).filter(Boolean))).toEqual(new Set(Object.keys(SCHEMAS)));
    const workers = Object.entries(services).filter(([, s]) => mosaicService(s) === 'connector-worker');
    expect(workers.map(([name, s]) => [name, serviceEnvironment(s, generated.env)['CONNECTOR']]).sort()).toEqual([
      ['worker-files', 'files'],
      ['worker-postgres', 'postgres'],
    ]);
  });

  it('mounts the sample workspace read-only, and only files that exist', () => {
    const mounts = (name: string) =>
      (services[name]!.volumes ?? []).map((v) => {
        if (typeof v !== 'string') return { source: v.source ?? '', target: v.target, ro: Boolean(v.read_only) };
        const [source, target, mode] = v.split(':');
        return { source: source!, target: target!, ro: mode === 'ro' };
      });
    expect(mounts('worker-files')).toEqual([{ source: './sample/workspace/docs', target: '/workspace/docs', ro: true }]);
    expect(serviceEnvironment(services['worker-files']!, generated.env)['FILES_ROOT']).toBe('/workspace/docs');
    expect(mounts('sample-data')).toEqual(expect.arrayContaining([{ source: './sample/workspace/sql', target: '/app/sample/workspace/sql', ro: true }]));
    for (const name of Object.keys(services)) {
      for (const mount of mounts(name)) {
        if (!mount.source.startsWith('.')) {
          expect(compose.volumes).toHaveProperty([mount.source]);
          continue;
        }
        // Bind mounts: read-only, and the file or folder is in the repository.
        expect({ name, source: mount.source, ro: mount.ro, exists: existsSync(at(mount.source)) }).toEqual({ name, source: mount.source, ro: true, exists: true });
      }
    }
  });
});

describe('docker-compose.yml: what scripts/infra.sh relies on', () => {
  it('keeps the infrastructure services without a profile, and everything else in the app profile', () => {
    const servers = /^SERVERS=\(([^)]*)\)/m.exec(INFRA_SH)?.[1]?.split(/\s+/).filter(Boolean);
    expect(servers).toEqual(INFRA_SERVICES);
    const up = /compose up -d --wait ([a-z ]+?)\s+9>&-/.exec(INFRA_SH)?.[1]?.split(' ');
    expect(up).toEqual(INFRA_SERVICES);
    for (const [name, service] of Object.entries(services)) {
      expect({ name, profiles: service.profiles }).toEqual({ name, profiles: INFRA_SERVICES.includes(name) ? undefined : ['app'] });
    }
    // `docker compose up nats postgres redis mariadb` must not pull in a service of the app profile.
    for (const name of INFRA_SERVICES) expect(dependencies(services[name]!)).toEqual({});
  });

  it('takes the ports, durability settings and NATS config that infra.sh passes', () => {
    const passed = /compose\(\) \{\n([\s\S]*?)\n\}/.exec(INFRA_SH)?.[1] ?? '';
    const names = [...passed.matchAll(/(MOSAIC_[A-Z_]+)=/g)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(['MOSAIC_NATS_CONFIG', 'MOSAIC_NATS_PORT', 'MOSAIC_PG_PORT', 'MOSAIC_REDIS_PORT', 'MOSAIC_MYSQL_PORT']));
    const used = new Set(variableReferences(COMPOSE_TEXT).map((r) => r.name));
    for (const name of names) expect({ name, used: used.has(name) }).toEqual({ name, used: true });

    const infraEnv: Env = {
      MOSAIC_NATS_CONFIG: '/tmp/profile/nats-docker.conf',
      MOSAIC_NATS_PORT: '14222',
      MOSAIC_NATS_MONITOR_PORT: '18222',
      MOSAIC_PG_PORT: '15432',
      MOSAIC_REDIS_PORT: '16379',
      MOSAIC_MYSQL_PORT: '13306',
      MOSAIC_PG_DURABILITY: 'off',
      MOSAIC_MYSQL_FLUSH_AT_COMMIT: '0',
    };
    const asInfra = loadCompose(COMPOSE_FILE, infraEnv).services;
    expect(asInfra['nats']!.volumes).toContain('/tmp/profile/nats-docker.conf:/etc/nats/mosaic.conf:ro');
    expect(publishedPorts(asInfra['nats']!).map((p) => p.published)).toEqual(['14222', '18222']);
    expect(publishedPorts(asInfra['postgres']!).map((p) => p.published)).toEqual(['15432']);
    expect(publishedPorts(asInfra['redis']!).map((p) => p.published)).toEqual(['16379']);
    expect(publishedPorts(asInfra['mariadb']!).map((p) => p.published)).toEqual(['13306']);
    expect(asInfra['postgres']!.command).toContain('fsync=off');
    // infra.sh execs into these with its own credentials and init SQL.
    expect(INFRA_SH).toContain('MARIADB_DOCKER_ROOT_PASSWORD=mosaic_root');
    expect(serviceEnvironment(asInfra['mariadb']!, {})['MARIADB_ROOT_PASSWORD']).toBe('mosaic_root');
    expect(serviceEnvironment(asInfra['postgres']!, {})['POSTGRES_USER']).toBe('mosaic');
  });

  it('interpolates without .env or any variable (infra.sh may run before anyone wrote one)', () => {
    const refs = variableReferences(COMPOSE_TEXT);
    // `${VAR:?}` / `${VAR?}` would make every compose command fail without .env, infra.sh's included.
    expect(refs.filter((r) => r.operator.includes('?'))).toEqual([]);
    // And nothing is left to an unset variable's silent empty string, except on purpose (`:-`).
    expect(refs.filter((r) => r.operator === '')).toEqual([]);
    expect(() => loadCompose(COMPOSE_FILE, {})).not.toThrow();
    // Without MOSAIC_NATS_CONFIG, NATS runs the compose stack's configuration.
    expect(loadCompose(COMPOSE_FILE, {}).services['nats']!.volumes).toContain('./deploy/compose/nats.conf:/etc/nats/mosaic.conf:ro');
  });
});

describe('docker-compose.yml: ports and secrets', () => {
  it('publishes ports on 127.0.0.1 only, and of the services only the gateway, Prometheus and Grafana', () => {
    for (const [name, service] of Object.entries(services)) {
      const ports = publishedPorts(service);
      for (const port of ports) expect({ name, port, hostIp: port.hostIp }).toEqual({ name, port, hostIp: '127.0.0.1' });
      if (ports.length) expect({ name, allowed: INFRA_SERVICES.includes(name) || PUBLISHED_APP_SERVICES.includes(name) }).toEqual({ name, allowed: true });
    }
    expect(publishedPorts(services['gateway']!)).toEqual([{ hostIp: '127.0.0.1', published: '8080', target: '8080' }]);
  });

  it('takes every secret from .env (documented in .env.example), none written into the file', () => {
    const example = readFileSync(at('.env.example'), 'utf8');
    const documented = documentedVariables(example);
    const setByInfraSh = ['MOSAIC_NATS_CONFIG', 'MOSAIC_PG_DURABILITY', 'MOSAIC_MYSQL_FLUSH_AT_COMMIT'];
    for (const ref of variableReferences(COMPOSE_TEXT)) {
      expect({ name: ref.name, documented: documented.has(ref.name) || setByInfraSh.includes(ref.name) }).toEqual({ name: ref.name, documented: true });
    }
    // Secrets in .env.example are empty: init-env.sh fills them; nothing real is committed.
    const exampleEnv = parseDotenv(example);
    const secrets = [
      'NATS_GATEWAY_PASSWORD',
      'NATS_AUTH_PASSWORD',
      'NATS_PLANNER_PASSWORD',
      'NATS_SYNTHESIZER_PASSWORD',
      'NATS_WORKER_PASSWORD',
      'NATS_ADMIN_PASSWORD',
      'AUTH_SIGNING_KEYS',
      'MOSAIC_VAULT_KEYS',
      'GRAFANA_ADMIN_PASSWORD',
      'ANTHROPIC_API_KEY',
    ];
    for (const name of secrets) expect({ name, value: exampleEnv[name] }).toEqual({ name, value: '' });
    // In the compose file, a secret is only ever a reference.
    const raw = parseComposeYaml(COMPOSE_TEXT);
    for (const [name, service] of Object.entries(raw.services)) {
      for (const [key, value] of Object.entries((service.environment ?? {}) as Record<string, unknown>)) {
        if (!/PASSWORD|SECRET|_KEYS?$|_TOKEN$/.test(key) || typeof value !== 'string') continue;
        // The Postgres/MariaDB dev passwords are fixed by scripts/infra/*-init.sql (shared with infra.sh).
        if (['POSTGRES_PASSWORD', 'MARIADB_ROOT_PASSWORD'].includes(key)) continue;
        expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^\$\{[A-Z_]+:-\}$/) });
      }
    }
  });

  it('writes fresh secrets with init-env.sh that the services and the provision job accept', async () => {
    const env = generated.env;
    expect(statSync(generated.file).mode & 0o777).toBe(0o600);
    const keys = JSON.parse(env['AUTH_SIGNING_KEYS']!) as unknown[];
    expect(keys).toHaveLength(1);
    const key = await importSigningKey(JSON.stringify(keys[0]));
    expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(VaultKeyRing.fromEnv(env['MOSAIC_VAULT_KEYS']).kids).toHaveLength(1);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { secretProblems } = require(at('deploy', 'compose', 'compose-tasks.cjs')) as { secretProblems: (env: Env) => string[] };
    expect(secretProblems(env)).toEqual([]);
    expect(secretProblems({ ...env, NATS_WORKER_PASSWORD: '' })).toEqual(['NATS_WORKER_PASSWORD is empty']);
    // A number is not a string to nats-server's config parser.
    expect(secretProblems({ ...env, NATS_AUTH_PASSWORD: '12345678901234567' })).toHaveLength(1);
    // It never overwrites an existing file.
    const again = spawnSync('bash', [at('deploy', 'compose', 'init-env.sh'), '--out', generated.file], { env: childEnv(), encoding: 'utf8' });
    expect(again.status).toBe(1);
  });
});

describe('docker-compose.yml: each service environment against its config schema', () => {
  const mosaicServices = () => Object.entries(services).filter(([, s]) => mosaicService(s));

  it('satisfies the schema each service validates at start-up', () => {
    expect(mosaicServices().length).toBe(6);
    for (const [name, service] of mosaicServices()) {
      const env = serviceEnvironment(service, generated.env);
      const result = SCHEMAS[mosaicService(service)!]!.safeParse(env);
      const issues = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      expect({ name, issues }).toEqual({ name, issues: [] });
    }
  });

  it('gives every service its variables even without .env (then empty: provision refuses to go on)', () => {
    const bare = loadCompose(COMPOSE_FILE, {}).services;
    for (const [name, service] of Object.entries(bare).filter(([, s]) => mosaicService(s))) {
      const env = serviceEnvironment(service, {});
      expect(Object.keys(env)).toEqual(expect.arrayContaining(['NATS_URL', 'NATS_USER', 'NATS_PASSWORD', 'HOST', 'PORT']));
      expect({ name, empty: env['NATS_PASSWORD'] }).toEqual({ name, empty: '' });
    }
  });

  it('listens on all interfaces at the port its health check and Prometheus use', () => {
    const prometheus = parse(readFileSync(at('deploy', 'prometheus', 'prometheus-compose.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
    };
    const scraped = new Map<string, number>();
    for (const job of prometheus.scrape_configs) for (const sd of job.dns_sd_configs ?? []) for (const n of sd.names) scraped.set(n, sd.port);
    for (const [name, service] of mosaicServices()) {
      const env = serviceEnvironment(service, generated.env);
      const parsed = SCHEMAS[mosaicService(service)!]!.parse(env) as { HOST: string; PORT: number; NODE_ENV: string };
      expect({ name, host: parsed.HOST, env: parsed.NODE_ENV, scrapedAt: scraped.get(name) }).toEqual({ name, host: '0.0.0.0', env: 'production', scrapedAt: parsed.PORT });
      expect(env['HEALTH_PATH']).toBe(name === 'gateway' ? '/api/health/ready' : '/health/ready');
      expect(env['NATS_URL']).toBe('nats://nats:4222');
    }
    // Every long-running Mosaic service is scraped, under the name compose's DNS knows it by.
    expect([...scraped.keys()].sort()).toEqual(mosaicServices().map(([n]) => n).sort());
  });

  it('gives the jobs what they need', () => {
    const migrate = serviceEnvironment(services['migrate']!, generated.env);
    expect(migrate['DATABASE_URL']).toMatch(/^postgres(ql)?:\/\/mosaic:[^@]+@postgres:5432\/mosaic$/);
    expect(services['migrate']!.command).toEqual(['node', 'dist/libs/persistence/src/migrate.main.js']);
    expect(existsSync(at('libs', 'persistence', 'src', 'migrate.main.ts'))).toBe(true);
    expect(serviceEnvironment(services['sample-data']!, generated.env)['SAMPLE_DATABASE_URL']).toBe('postgres://mosaic:mosaic@postgres:5432/mosaic_sample');
    const provision = serviceEnvironment(services['provision']!, generated.env);
    expect(provision['NATS_ADMIN_USER']).toBe('admin');
    expect(provision['NATS_ADMIN_PASSWORD']).toBe(generated.env['NATS_ADMIN_PASSWORD']);
    // What compose-tasks.cjs runs from dist/ (relative to /app) is built from these sources.
    const tasks = readFileSync(at('deploy', 'compose', 'compose-tasks.cjs'), 'utf8');
    for (const [compiled, source] of [
      ["dist('libs', 'runtime', 'src', 'stack', 'nats-identities.js')", 'libs/runtime/src/stack/nats-identities.ts'],
      ["dist('libs', 'runtime', 'src', 'stack', 'sample-workspace.js')", 'libs/runtime/src/stack/sample-workspace.ts'],
    ] as const) {
      expect(tasks).toContain(compiled);
      expect(existsSync(at(source))).toBe(true);
    }
  });
});

describe('deploy/compose/nats.conf', () => {
  const conf = readFileSync(NATS_CONF, 'utf8');
  const users = () => [...conf.matchAll(/user: "([a-z]+)", password: \$([A-Z_]+)/g)].map((m) => ({ user: m[1]!, passwordVar: m[2]! }));

  it('is what gen-nats-conf.sh makes from scripts/infra.sh (the same identities and permissions)', () => {
    const fresh = execFileSync('bash', [at('deploy', 'compose', 'gen-nats-conf.sh'), '--stdout'], { encoding: 'utf8' });
    // When this fails, scripts/infra.sh's nats_permissions changed: run `bash deploy/compose/gen-nats-conf.sh`.
    expect(conf).toBe(fresh);
    const identities = /^NATS_IDENTITIES=\(([^)]*)\)/m.exec(INFRA_SH)?.[1]?.split(/\s+/).filter(Boolean);
    expect(users().map((u) => u.user)).toEqual(identities);
  });

  it('has a user for the NATS_USER of every service, with the password variable compose gives both', () => {
    const byUser = new Map(users().map((u) => [u.user, u.passwordVar]));
    const raw = parseComposeYaml(COMPOSE_TEXT);
    for (const [name, service] of Object.entries(raw.services).filter(([, s]) => mosaicService(s))) {
      const env = service.environment as Record<string, string>;
      const user = env['NATS_USER']!;
      expect({ name, user }).toEqual({ name, user: IDENTITY[mosaicService(service)!] });
      expect({ name, password: env['NATS_PASSWORD'] }).toEqual({ name, password: `\${${byUser.get(user)}:-}` });
    }
    // nats-server resolves each user's password from its own environment.
    const natsEnv = Object.keys(raw.services['nats']!.environment as Record<string, unknown>);
    expect(natsEnv.sort()).toEqual([...byUser.values()].sort());
    expect(conf).not.toMatch(/password: "/);
  });

  const natsServer = has('nats-server', '--version');
  if (!natsServer) note('nats-server is not installed: skipped loading nats.conf in a real server');
  (natsServer ? it : it.skip)(
    'loads in a real nats-server, where provision creates the streams as admin and every identity logs in',
    async () => {
      const [port, monitor] = [await freePort(), await freePort()];
      const local = path.join(tmp, 'nats-local.conf');
      writeFileSync(
        local,
        conf
          .replace('listen: "0.0.0.0:4222"', `listen: "127.0.0.1:${port}"`)
          .replace('http: "0.0.0.0:8222"', `http: "127.0.0.1:${monitor}"`)
          .replace('store_dir: "/data"', `store_dir: "${path.join(tmp, 'jetstream')}"`),
      );
      const env = childEnv(generated.env);
      expect(spawnSync('nats-server', ['-t', '-c', local], { env }).status).toBe(0);
      const server: ChildProcess = spawn('nats-server', ['-c', local], { env, stdio: 'ignore' });
      const exited = new Promise((resolve) => server.once('exit', resolve));
      try {
        const url = `nats://127.0.0.1:${port}`;
        for (let i = 0; i < 100; i++) {
          const ok = await fetch(`http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        if (existsSync(at('dist', 'libs', 'runtime', 'src', 'stack', 'nats-identities.js'))) {
          const run = spawnSync(process.execPath, [at('deploy', 'compose', 'compose-tasks.cjs'), 'provision'], {
            cwd: ROOT,
            env: childEnv({ ...generated.env, NATS_URL: url, NATS_ADMIN_USER: 'admin', MOSAIC_TASK_DEADLINE_SECONDS: '20' }),
            encoding: 'utf8',
          });
          expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
          const jsz = (await (await fetch(`http://127.0.0.1:${monitor}/jsz`)).json()) as { streams: number };
          expect(jsz.streams).toBeGreaterThanOrEqual(4);
        } else {
          note('dist/ is not built: skipped running the provision job against it (npm run build)');
        }
        for (const { user, passwordVar } of users()) {
          const nc = await connect({ servers: url, user, pass: generated.env[passwordVar], inboxPrefix: `_INBOX.${user}`, reconnect: false, timeout: 3000 });
          await nc.close();
        }
        await expect(connect({ servers: url, user: 'gateway', pass: 'pWrongPassword000000', reconnect: false, timeout: 3000 })).rejects.toThrow();
        await expect(connect({ servers: url, user: 'gateway', pass: '', reconnect: false, timeout: 3000 })).rejects.toThrow();
      } finally {
        server.kill('SIGTERM');
        await exited;
      }
    },
    60_000,
  );
});

describe('Dockerfile and .dockerignore', () => {
  const text = readFileSync(at('Dockerfile'), 'utf8');
  const stages = parseDockerfile(text);
  const final = stages[stages.length - 1]!;
  const all = (stage: { instructions: Array<{ keyword: string; args: string }> }, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

  it('passes the Dockerfile validator (syntax, instructions, flags)', () => {
    // hadolint is not packaged for Debian; dockerfile-utils is the validator behind VS Code's Docker support.
    const problems = validateDockerfile(text, {}).map((d) => `${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
    expect(validateDockerfile('FROM node:24\nCOPY --frm=x a b\n', {}).length).toBeGreaterThan(0);
  });

  it('builds on Node 24 and runs production dependencies on Node 24 slim', () => {
    expect(stages.map((s) => s.name)).toEqual(['manifests', 'build', 'deps', 'runtime']);
    for (const stage of stages) expect(stage.from).toMatch(/^node:24(\.|-|$)/);
    expect(final.from).toMatch(/^node:24[\w.-]*-slim$/);
    const build = stages.find((s) => s.name === 'build')!;
    expect(all(build, 'RUN')).toEqual(expect.arrayContaining([expect.stringMatching(/^npm ci\b/), 'npm run build']));
    const deps = stages.find((s) => s.name === 'deps')!;
    expect(all(deps, 'RUN').join(' ')).toMatch(/npm ci --omit=dev/);
  });

  it('keeps sources, dev dependencies and the build context out of the final stage', () => {
    for (const copy of all(final, 'COPY')) {
      const from = /--from=(\S+)/.exec(copy)?.[1];
      const sources = copy
        .replace(/--\S+/g, '')
        .trim()
        .split(/\s+/)
        .slice(0, -1);
      if (!from) {
        // From the context: only the root marker the connectors look for.
        expect(sources).toEqual(['nx.json']);
      } else if (from === 'build') {
        for (const source of sources) expect(source).toMatch(/^\/src\/dist\/(libs|services)$/);
      } else {
        expect(from).toBe('deps');
      }
    }
    expect(all(final, 'RUN')).toEqual([]);
  });

  it('runs as a non-root user with NODE_ENV=production, a health check and a command', () => {
    const user = all(final, 'USER').pop();
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
    const env = all(final, 'ENV').join(' ');
    expect(env).toMatch(/NODE_ENV=production/);
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
    const healthcheck = all(final, 'HEALTHCHECK').pop()!;
    expect(healthcheck).toMatch(/\/health\/live/);
    expect(healthcheck).toMatch(/CMD \[/);
    expect(all(final, 'CMD').pop()).toMatch(/dist\/services\/\$\{MOSAIC_SERVICE\}\/src\/main\.js/);
    expect(all(final, 'ARG')).toContain('SERVICE=gateway');
  });

  it('ignores local state and secrets but keeps every workspace in the context', () => {
    const ignored = readFileSync(at('.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', '.mosaic', '.tools', '**/node_modules', '**/dist', '.env']));
    const workspaces = (JSON.parse(readFileSync(at('package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    const dirs = workspaces.flatMap((w) => (w.endsWith('/*') ? readdirSync(at(w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w]));
    const needed = ['package.json', 'package-lock.json', 'nx.json', '.swcrc', ...dirs, ...dirs.map((d) => `${d}/package.json`)];
    for (const entry of needed) {
      const hit = ignored.find((pattern) => pattern === entry || entry.startsWith(`${pattern}/`));
      expect({ entry, ignoredBy: hit }).toEqual({ entry, ignoredBy: undefined });
    }
  });
});

describe('Prometheus and Grafana provisioning', () => {
  it('mounts the scrape config, the rules folder and the dashboards', () => {
    expect(services['prometheus']!.volumes).toEqual(
      expect.arrayContaining(['./deploy/prometheus/prometheus-compose.yml:/etc/prometheus/prometheus.yml:ro', './deploy/prometheus:/etc/mosaic/prometheus:ro']),
    );
    const prometheus = parse(readFileSync(at('deploy', 'prometheus', 'prometheus-compose.yml'), 'utf8')) as { rule_files: string[] };
    expect(prometheus.rule_files).toEqual(['/etc/mosaic/prometheus/alerts.yml']);
    expect(services['grafana']!.volumes).toEqual(
      expect.arrayContaining(['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/grafana/dashboards:/var/lib/grafana/dashboards/mosaic:ro']),
    );
    const datasources = parse(readFileSync(at('deploy', 'grafana', 'provisioning', 'datasources', 'mosaic.yml'), 'utf8')) as {
      datasources: Array<{ url: string; type: string; uid: string }>;
    };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' })]);
    const providers = parse(readFileSync(at('deploy', 'grafana', 'provisioning', 'dashboards', 'mosaic.yml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(providers.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: '/var/lib/grafana/dashboards/mosaic' }) })]);
  });

  it('gives the provisioned dashboards a data source they can find', () => {
    // File provisioning resolves no `__inputs`: a panel names the provisioned uid or a
    // data source variable, which falls back to the default data source (ours).
    const dir = at('deploy', 'grafana', 'dashboards');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
    if (!files.length) note('no dashboards in deploy/grafana/dashboards yet');
    for (const file of files) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const dashboard = JSON.parse(text) as { __inputs?: unknown; templating?: { list?: Array<{ name: string; type: string; query?: string }> } };
      expect({ file, inputs: dashboard.__inputs }).toEqual({ file, inputs: undefined });
      const variables = new Set((dashboard.templating?.list ?? []).filter((v) => v.type === 'datasource' && v.query === 'prometheus').map((v) => v.name));
      const uids = [...text.matchAll(/"datasource":\s*\{[^}]*"uid":\s*"([^"]+)"/g)].map((m) => m[1]!);
      for (const uid of new Set(uids)) {
        const ok = uid === 'prometheus' || uid === '-- Grafana --' || variables.has(/^\$\{?([A-Za-z0-9_]+)\}?$/.exec(uid)?.[1] ?? '');
        expect({ file, uid, ok }).toEqual({ file, uid, ok: true });
      }
    }
  });

  const promtool = has('promtool', '--version');
  if (!promtool) note('promtool is not installed: skipped promtool check config');
  (promtool ? it : it.skip)('passes promtool check config (with the rules, when deploy/prometheus/alerts.yml exists)', () => {
    const alerts = at('deploy', 'prometheus', 'alerts.yml');
    const file = path.join(tmp, 'prometheus.yml');
    // promtool (unlike the server) wants every rule file to exist: check with the repository's path.
    const config = readFileSync(at('deploy', 'prometheus', 'prometheus-compose.yml'), 'utf8');
    writeFileSync(file, existsSync(alerts) ? config.replace('/etc/mosaic/prometheus/alerts.yml', alerts) : config.replace(/^rule_files:\n(\s+.*\n)+/m, ''));
    const run = spawnSync('promtool', ['check', 'config', file], { encoding: 'utf8' });
    expect({ status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr }).toEqual({ status: 0, output: '' });
  });
});

describe('docker compose config', () => {
  const plugin = has('docker', 'compose', 'version');
  if (!plugin) note('`docker compose version` failed (no compose plugin here): skipped `docker compose config -q`; the checks above stand in for it');
  (plugin ? it : it.skip)('accepts the file for the infrastructure and for the whole stack', () => {
    for (const args of [
      ['config', '-q'],
      ['--profile', 'app', 'config', '-q'],
    ]) {
      const run = spawnSync('docker', ['compose', '--env-file', generated.file, '-f', COMPOSE_FILE, ...args], { cwd: ROOT, encoding: 'utf8' });
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
  });

  // Debian's docker-compose 1.29 validates against an older Compose schema (profiles, depends_on
  // conditions and health checks included); it predates the top-level `name`, so that goes.
  const v1 = has('docker-compose', 'version');
  if (!v1) note('docker-compose (v1) is not installed: skipped its schema check');
  (v1 ? it : it.skip)('passes docker-compose v1 schema validation, with and without .env', () => {
    const copy = path.join(tmp, 'docker-compose.v1.yml');
    writeFileSync(copy, COMPOSE_TEXT.replace(/^name: .*$/m, ''));
    for (const envFile of [generated.file, path.join(tmp, 'empty.env')]) {
      writeFileSync(path.join(tmp, 'empty.env'), '');
      const run = spawnSync('docker-compose', ['--project-directory', ROOT, '--env-file', envFile, '-f', copy, 'config', '-q'], { encoding: 'utf8' });
      expect({ envFile, status: run.status, stderr: run.stderr }).toEqual({ envFile, status: 0, stderr: '' });
    }
  });
});

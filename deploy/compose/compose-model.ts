// Reading docker-compose.yml, .env files and the Dockerfile as Docker would, for
// compose.spec.ts (no Docker engine on these machines).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Variables, as compose reads them from `.env` and the shell. */
export type Env = Record<string, string>;

/**
 * Reads a `.env` file as compose does for the cases this project uses: `KEY=VALUE` lines,
 * comments and blank lines ignored, a value in single quotes taken literally, one in double
 * quotes unquoted.
 */
export function parseDotenv(text: string): Env {
  const env: Env = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`not a KEY=VALUE line: ${line.slice(0, 40)}`);
    let value = match[2]!;
    if (/^'.*'$/.test(value) || /^".*"$/.test(value)) value = value.slice(1, -1);
    env[match[1]!] = value;
  }
  return env;
}

/** Names of the variables a `.env` file mentions, also in commented-out `# KEY=...` lines. */
export function documentedVariables(text: string): Set<string> {
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}

export interface Reference {
  name: string;
  /** `:-`, `-`, `:?`, `?`, or '' for a plain `${NAME}` / `$NAME`. */
  operator: string;
  /** The default or error text after the operator. */
  argument: string;
}

const REFERENCE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Every string in a parsed YAML value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/**
 * Every `${...}` reference compose interpolates in a compose file: in its values, not its
 * comments (`$$` is an escaped dollar, not one).
 */
export function variableReferences(text: string): Reference[] {
  const refs: Reference[] = [];
  for (const value of strings(parseComposeYaml(text))) {
    for (const m of value.matchAll(REFERENCE)) {
      if (m[0] === '$$') continue;
      refs.push({ name: (m[1] ?? m[4])!, operator: m[2] ?? '', argument: m[3] ?? '' });
    }
  }
  return refs;
}

/** Compose's interpolation of one string (the subset of the spec this project uses: no nesting). */
export function interpolateString(text: string, env: Env): string {
  return text.replace(REFERENCE, (whole, braced: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const unset = value === undefined;
    const empty = unset || value === '';
    switch (operator) {
      case ':-':
        return empty ? argument! : value!;
      case '-':
        return unset ? argument! : value!;
      case ':?':
        if (empty) throw new Error(`${name}: ${argument || 'required'}`);
        return value!;
      case '?':
        if (unset) throw new Error(`${name}: ${argument || 'required'}`);
        return value!;
      default:
        return value ?? '';
    }
  });
}

/** Interpolates every string in a parsed YAML value (keys stay as written, like compose). */
export function interpolate<T>(value: T, env: Env): T {
  if (typeof value === 'string') return interpolateString(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  }
  return value;
}

export interface Healthcheck {
  test?: string[] | string;
  disable?: boolean;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}

export interface DependsOn {
  condition?: 'service_started' | 'service_healthy' | 'service_completed_successfully';
}

export interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  command?: string[] | string;
  profiles?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | { host_ip?: string; published?: string | number; target: number }>;
  volumes?: Array<string | { type: string; source?: string; target: string; read_only?: boolean }>;
  healthcheck?: Healthcheck;
  depends_on?: Record<string, DependsOn> | string[];
  restart?: string;
  read_only?: boolean;
  user?: string;
  [key: string]: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Parses compose YAML with anchors and merge keys resolved, as compose does. */
export function parseComposeYaml(text: string): ComposeFile {
  return parse(text, { merge: true, maxAliasCount: -1 }) as ComposeFile;
}

/** docker-compose.yml, parsed and interpolated with `env`. */
export function loadCompose(file: string, env: Env): ComposeFile {
  return interpolate(parseComposeYaml(readFileSync(file, 'utf8')), env);
}

/** A service's dependencies with their conditions (the short list form means service_started). */
export function dependencies(service: Service): Record<string, DependsOn['condition']> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started' as const]));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition ?? 'service_started']));
}

/**
 * The environment a service's container gets from its `environment:` (no env_file is used):
 * a key without a value takes the variable from `.env` / the shell, or stays unset.
 */
export function serviceEnvironment(service: Service, env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  const entries: Array<[string, string | null]> = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const eq = line.indexOf('=');
        return eq < 0 ? [line, null] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]);
  for (const [key, value] of entries) {
    if (value !== null) out[key] = value;
    else if (env[key] !== undefined) out[key] = env[key]!;
  }
  return out;
}

export interface PublishedPort {
  hostIp: string | undefined;
  published: string;
  target: string;
}

/** A service's published ports, short (`ip:host:container`) and long syntax alike. */
export function publishedPorts(service: Service): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return { hostIp: port.host_ip, published: String(port.published ?? ''), target: String(port.target) };
    const parts = String(port).split(':');
    if (parts.length === 3) return { hostIp: parts[0], published: parts[1]!, target: parts[2]! };
    if (parts.length === 2) return { hostIp: undefined, published: parts[0]!, target: parts[1]! };
    return { hostIp: undefined, published: '', target: parts[0]! };
  });
}

/** A dependency cycle among the services (names in order), or undefined. */
export function findCycle(services: Record<string, Service>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(dependencies(services[name] ?? {}))) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(services)) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

export interface DockerStage {
  /** The base image, ARG defaults substituted. */
  from: string;
  name: string | undefined;
  instructions: DockerInstruction[];
}

/**
 * Splits a Dockerfile into stages (line continuations joined, comments dropped). Global ARG
 * defaults (before the first FROM) are substituted into FROM lines, as the builder does.
 */
export function parseDockerfile(text: string): DockerStage[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (!pending && trimmed === '')) return;
    if (!pending) start = index + 1;
    if (trimmed.endsWith('\\')) {
      pending += trimmed.slice(0, -1) + ' ';
      return;
    }
    const full = (pending + trimmed).trim();
    pending = '';
    const space = full.search(/\s/);
    instructions.push({ keyword: (space < 0 ? full : full.slice(0, space)).toUpperCase(), args: space < 0 ? '' : full.slice(space + 1).trim(), line: start });
  });
  const globalArgs: Env = {};
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/);
      stages.push({ from: interpolateString(image!, globalArgs), name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key, value] = instruction.args.split('=', 2);
        globalArgs[key!] = value ?? '';
      }
    } else {
      stages[stages.length - 1]!.instructions.push(instruction);
    }
  }
  return stages;
}

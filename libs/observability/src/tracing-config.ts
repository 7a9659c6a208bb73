/** How this process exports its spans, read from the standard OpenTelemetry variables. */
export interface TracingConfig {
  /** `OTEL_SDK_DISABLED=true`: no tracer provider and no instrumentation at all. */
  disabled: boolean;
  /** `service.name`: `OTEL_SERVICE_NAME`, else the service's own name. */
  serviceName: string;
  /** Where finished spans go. Empty: spans still exist (their ids are in every log line) but leave nothing. */
  exporters: Array<'otlp' | 'console'>;
  /** Wire format of the OTLP exporter. gRPC is not offered: the collector's HTTP port takes both of these. */
  otlpProtocol: 'http/protobuf' | 'http/json';
  /** Where the OTLP exporter sends spans; undefined: the exporter's default (`http://localhost:4318/v1/traces`). */
  otlpTracesUrl?: string;
  sampler: TracesSampler;
  /** Probability for the `traceidratio` samplers, 0..1. */
  samplerRatio: number;
}

export type TracesSampler =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

const SAMPLERS: readonly TracesSampler[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const EXPORTERS = ['otlp', 'console', 'none'] as const;
const PROTOCOLS = ['http/protobuf', 'http/json'] as const;

/** The tracing variables that are missing or malformed, all of them at once. */
export class TracingConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid tracing configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'TracingConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the standard variables (`OTEL_TRACES_EXPORTER`, `OTEL_EXPORTER_OTLP_*`, `OTEL_SERVICE_NAME`,
 * `OTEL_TRACES_SAMPLER(_ARG)`, `OTEL_SDK_DISABLED`). Export is off unless asked for: an OTLP endpoint
 * alone turns the OTLP exporter on, and `OTEL_TRACES_EXPORTER` says exactly which exporters run.
 * Headers, timeout and compression (`OTEL_EXPORTER_OTLP_HEADERS`, ...) are read by the OTLP exporter itself.
 */
export function tracingConfigFromEnv(service: string, env: Env): TracingConfig {
  const issues: string[] = [];
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };

  const disabledRaw = value('OTEL_SDK_DISABLED')?.toLowerCase();
  if (disabledRaw !== undefined && disabledRaw !== 'true' && disabledRaw !== 'false') {
    issues.push(`OTEL_SDK_DISABLED: expected true or false, got "${env['OTEL_SDK_DISABLED']}"`);
  }

  // The signal-specific endpoint is used as is; the generic one gets the signal's path appended.
  const tracesEndpoint = value('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const genericEndpoint = value('OTEL_EXPORTER_OTLP_ENDPOINT');
  const endpoint = tracesEndpoint ?? (genericEndpoint ? `${genericEndpoint.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (endpoint && !/^https?:$/.test(URL.parse(endpoint)?.protocol ?? '')) {
    issues.push(`${tracesEndpoint ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'}: not an http(s) URL: "${tracesEndpoint ?? genericEndpoint}"`);
  }
  const exporterNames = (value('OTEL_TRACES_EXPORTER') ?? (endpoint ? 'otlp' : 'none'))
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknownExporters = exporterNames.filter((name) => !(EXPORTERS as readonly string[]).includes(name));
  if (unknownExporters.length) {
    issues.push(`OTEL_TRACES_EXPORTER: unknown exporter ${unknownExporters.map((n) => `"${n}"`).join(', ')} (use otlp, console or none)`);
  }
  // `none` alongside another exporter means none, as the specification says.
  const exporters = exporterNames.includes('none')
    ? []
    : [...new Set(exporterNames.filter((name): name is 'otlp' | 'console' => name === 'otlp' || name === 'console'))];

  const protocolVariable = value('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = value(protocolVariable) ?? 'http/protobuf';
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    issues.push(`${protocolVariable}: "${protocol}" is not supported (use http/protobuf or http/json)`);
  }

  const sampler = (value('OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on').toLowerCase();
  if (!(SAMPLERS as readonly string[]).includes(sampler)) {
    issues.push(`OTEL_TRACES_SAMPLER: unknown sampler "${sampler}" (use one of ${SAMPLERS.join(', ')})`);
  }
  const ratioRaw = value('OTEL_TRACES_SAMPLER_ARG');
  const ratio = ratioRaw === undefined ? 1 : Number(ratioRaw);
  if (sampler.endsWith('traceidratio') && !(Number.isFinite(ratio) && ratio >= 0 && ratio <= 1)) {
    issues.push(`OTEL_TRACES_SAMPLER_ARG: expected a probability between 0 and 1, got "${ratioRaw}"`);
  }

  if (issues.length) throw new TracingConfigError(issues);
  return {
    disabled: disabledRaw === 'true',
    serviceName: value('OTEL_SERVICE_NAME') ?? service,
    exporters,
    otlpProtocol: protocol as TracingConfig['otlpProtocol'],
    ...(endpoint ? { otlpTracesUrl: endpoint } : {}),
    sampler: sampler as TracesSampler,
    samplerRatio: ratio,
  };
}

import { TracingConfigError, tracingConfigFromEnv } from './tracing-config';

describe(tracingConfigFromEnv.name, () => {
  const sut = (env: Record<string, string>) => tracingConfigFromEnv('planner', env);

  it('should export nothing and sample every root when no OTEL variable is set', () => {
    expect(sut({})).toEqual({
      disabled: false,
      serviceName: 'planner',
      exporters: [],
      otlpProtocol: 'http/protobuf',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
  });

  it('should turn the OTLP exporter on, with the traces path appended, when only the generic endpoint is set', () => {
    expect(sut({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({ exporters: ['otlp'], otlpTracesUrl: 'http://collector:4318/v1/traces' });
  });

  it('should use the traces endpoint as it is when it is set', () => {
    expect(sut({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:9999/traces' })).toMatchObject({
      exporters: ['otlp'],
      otlpTracesUrl: 'http://collector:9999/traces',
    });
  });

  it('should run exactly the exporters named when OTEL_TRACES_EXPORTER is set', () => {
    expect(sut({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporters).toEqual([]);
    expect(sut({ OTEL_TRACES_EXPORTER: 'console' }).exporters).toEqual(['console']);
    expect(sut({ OTEL_TRACES_EXPORTER: 'otlp, console' }).exporters).toEqual(['otlp', 'console']);
    expect(sut({ OTEL_TRACES_EXPORTER: 'otlp,none' }).exporters).toEqual([]);
  });

  it('should prefer the traces-specific protocol when both protocol variables are set', () => {
    expect(sut({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).otlpProtocol).toBe('http/json');
    expect(sut({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).otlpProtocol).toBe('http/protobuf');
  });

  it('should name the service from OTEL_SERVICE_NAME when it is set', () => {
    expect(sut({ OTEL_SERVICE_NAME: 'mosaic-planner-eu' }).serviceName).toBe('mosaic-planner-eu');
  });

  it('should read a ratio sampler and the SDK switch when they are set', () => {
    expect(sut({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toMatchObject({
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
    expect(sut({ OTEL_SDK_DISABLED: 'TRUE' }).disabled).toBe(true);
  });

  it('should list every bad variable at once when several are malformed', () => {
    let error: unknown;
    try {
      sut({
        OTEL_TRACES_EXPORTER: 'otlp,zipkin',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '1.5',
        OTEL_SDK_DISABLED: 'yes',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TracingConfigError);
    expect((error as TracingConfigError).issues).toEqual([
      expect.stringMatching(/^OTEL_SDK_DISABLED: /),
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT: not an http\(s\) URL/),
      expect.stringMatching(/^OTEL_TRACES_EXPORTER: unknown exporter "zipkin"/),
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported/),
      expect.stringMatching(/^OTEL_TRACES_SAMPLER_ARG: /),
    ]);
  });
});

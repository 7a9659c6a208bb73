/**
 * JSON schemas (draft-07) for the custom resources the chart renders, written from their CRDs:
 * KEDA's ScaledObject (keda.sh/v1alpha1) and the Prometheus Operator's ServiceMonitor,
 * PodMonitor and PrometheusRule (monitoring.coreos.com/v1). They cover the fields the chart
 * uses, reject unknown fields where the CRDs' structural schemas would prune or reject them,
 * and check the types and formats the controllers need (durations, label selectors, KEDA's
 * string-only trigger metadata).
 */

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const duration = { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' };
const labelSelector = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: stringMap,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};
const metadata = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
    namespace: { type: 'string' },
    labels: stringMap,
    annotations: stringMap,
  },
};
const relabeling = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sourceLabels: { type: 'array', items: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' } },
    separator: { type: 'string' },
    targetLabel: { type: 'string' },
    regex: { type: 'string' },
    modulus: { type: 'integer' },
    replacement: { type: 'string' },
    action: {
      enum: ['replace', 'Replace', 'keep', 'Keep', 'drop', 'Drop', 'hashmod', 'HashMod', 'labelmap', 'LabelMap', 'labeldrop', 'LabelDrop', 'labelkeep', 'LabelKeep', 'lowercase', 'Lowercase', 'uppercase', 'Uppercase', 'keepequal', 'KeepEqual', 'dropequal', 'DropEqual'],
    },
  },
};
const scrapeEndpoint = {
  port: { type: 'string' },
  path: { type: 'string', pattern: '^/' },
  scheme: { enum: ['http', 'https'] },
  interval: duration,
  scrapeTimeout: duration,
  honorLabels: { type: 'boolean' },
  relabelings: { type: 'array', items: relabeling },
  metricRelabelings: { type: 'array', items: relabeling },
};
const namespaceSelector = {
  type: 'object',
  additionalProperties: false,
  properties: { any: { type: 'boolean' }, matchNames: { type: 'array', items: { type: 'string' } } },
};

function resource(apiVersion: string, kind: string, spec: object): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec },
  };
}

export const CRD_SCHEMAS: Record<string, object> = {
  'keda.sh/v1alpha1/ScaledObject': resource('keda.sh/v1alpha1', 'ScaledObject', {
    type: 'object',
    required: ['scaleTargetRef', 'triggers'],
    additionalProperties: false,
    properties: {
      scaleTargetRef: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string', minLength: 1 }, envSourceContainerName: { type: 'string' } },
      },
      pollingInterval: { type: 'integer', minimum: 1 },
      cooldownPeriod: { type: 'integer', minimum: 0 },
      initialCooldownPeriod: { type: 'integer', minimum: 0 },
      idleReplicaCount: { type: 'integer', minimum: 0 },
      minReplicaCount: { type: 'integer', minimum: 0 },
      maxReplicaCount: { type: 'integer', minimum: 1 },
      fallback: { type: 'object' },
      advanced: { type: 'object' },
      triggers: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['type', 'metadata'],
          additionalProperties: false,
          properties: {
            type: { type: 'string' },
            name: { type: 'string' },
            useCachedMetrics: { type: 'boolean' },
            metricType: { enum: ['AverageValue', 'Value', 'Utilization'] },
            // KEDA's trigger metadata is map[string]string: numbers and booleans must be quoted.
            metadata: stringMap,
            authenticationRef: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, kind: { type: 'string' } } },
          },
          allOf: [
            {
              if: { properties: { type: { const: 'nats-jetstream' } } },
              then: {
                properties: {
                  metadata: {
                    type: 'object',
                    required: ['natsServerMonitoringEndpoint', 'stream', 'consumer', 'lagThreshold'],
                    additionalProperties: false,
                    properties: {
                      natsServerMonitoringEndpoint: { type: 'string', pattern: '^[^/:]+(:[0-9]+)?$' },
                      account: { type: 'string' },
                      stream: { type: 'string', minLength: 1 },
                      consumer: { type: 'string', minLength: 1 },
                      lagThreshold: { type: 'string', pattern: '^[1-9][0-9]*$' },
                      activationLagThreshold: { type: 'string', pattern: '^[0-9]+$' },
                      useHttps: { enum: ['true', 'false'] },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    },
  }),
  'monitoring.coreos.com/v1/ServiceMonitor': resource('monitoring.coreos.com/v1', 'ServiceMonitor', {
    type: 'object',
    required: ['selector', 'endpoints'],
    additionalProperties: false,
    properties: {
      jobLabel: { type: 'string' },
      selector: labelSelector,
      namespaceSelector,
      endpoints: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, properties: scrapeEndpoint } },
    },
  }),
  'monitoring.coreos.com/v1/PodMonitor': resource('monitoring.coreos.com/v1', 'PodMonitor', {
    type: 'object',
    required: ['selector', 'podMetricsEndpoints'],
    additionalProperties: false,
    properties: {
      jobLabel: { type: 'string' },
      selector: labelSelector,
      namespaceSelector,
      podMetricsEndpoints: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, properties: scrapeEndpoint } },
    },
  }),
  'monitoring.coreos.com/v1/PrometheusRule': resource('monitoring.coreos.com/v1', 'PrometheusRule', {
    type: 'object',
    required: ['groups'],
    additionalProperties: false,
    properties: {
      groups: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'rules'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1 },
            interval: duration,
            limit: { type: 'integer' },
            rules: {
              type: 'array',
              items: {
                type: 'object',
                required: ['expr'],
                additionalProperties: false,
                properties: {
                  record: { type: 'string' },
                  alert: { type: 'string' },
                  expr: { type: ['string', 'integer'] },
                  for: duration,
                  keep_firing_for: duration,
                  labels: stringMap,
                  annotations: stringMap,
                },
                oneOf: [
                  { required: ['record'], properties: { record: { type: 'string' } } },
                  { required: ['alert'], properties: { alert: { type: 'string' } } },
                ],
              },
            },
          },
        },
      },
    },
  }),
};

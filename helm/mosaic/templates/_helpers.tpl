{{/*
Helpers of the Mosaic chart. Templates pass a context dict to the per-workload helpers:
  root       the chart's top-level context ($)
  component  gateway | auth | planner | synthesizer | connector-worker | migrations | streams
  connector  the connector id (connector workers only)
*/}}

{{- define "mosaic.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mosaic.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "mosaic.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every pod of the release carries (the network policies select on them). */}}
{{- define "mosaic.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "mosaic.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one workload: (dict "root" $ "component" "..." "connector" "...") */}}
{{- define "mosaic.selectorLabels" -}}
{{ include "mosaic.releaseSelectorLabels" .root }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- with .connector }}
mosaic.dev/connector: {{ . }}
{{- end }}
{{- end }}

{{/* Labels of every object: (dict "root" $ ["component" ...] ["connector" ...]) */}}
{{- define "mosaic.labels" -}}
helm.sh/chart: {{ include "mosaic.chart" .root }}
{{ include "mosaic.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: mosaic
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "mosaic.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}
{{- end }}

{{- define "mosaic.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "mosaic.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end }}

{{/* The Secret holding every key: the operator's, or the one this chart creates. */}}
{{- define "mosaic.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "mosaic.fullname" .) -}}
{{- end }}

{{/*
Wire contract (libs/contracts/src/subjects.ts): stream and durable consumer names, the
connector ids of the catalog, and the NATS identities (scripts/infra.sh). The chart test checks
these against the sources.
*/}}
{{- define "mosaic.contract" -}}
streams:
  queries: MOSAIC_QUERIES_V1
  tasks: MOSAIC_TASKS_V1
  results: MOSAIC_RESULTS_V1
  events: MOSAIC_EVENTS_V1
consumers:
  planner: planner
  synthesizerPlans: synthesizer-plans
  synthesizerResults: synthesizer-results
  historyWriter: history-writer
  connectorPrefix: connector-
connectorIds: [files, postgres, mysql, s3, github, slack, jira, google, shopify, echo, mcp]
natsIdentities: [gateway, auth, planner, synthesizer, worker, admin]
{{- end }}

{{/*
The four services: container port and PORT, NATS identity, entry point, health paths (the
gateway serves its operations routes under /api; /metrics is unprefixed everywhere), and what
each one connects to. `consumer` is the JetStream durable KEDA may scale on.
*/}}
{{- define "mosaic.serviceDefs" -}}
gateway:
  port: 8080
  identity: gateway
  entry: dist/services/gateway/src/main.js
  livePath: /api/health/live
  readyPath: /api/health/ready
  postgres: owner
  redis: true
  llm: false
auth:
  port: 8081
  identity: auth
  entry: dist/services/auth/src/main.js
  livePath: /health/live
  readyPath: /health/ready
  postgres: app
  redis: true
  llm: false
planner:
  port: 8082
  identity: planner
  entry: dist/services/planner/src/main.js
  livePath: /health/live
  readyPath: /health/ready
  postgres: ""
  redis: false
  llm: true
  consumer: { stream: queries, durable: planner }
synthesizer:
  port: 8083
  identity: synthesizer
  entry: dist/services/synthesizer/src/main.js
  livePath: /health/live
  readyPath: /health/ready
  postgres: ""
  redis: true
  llm: true
  consumer: { stream: results, durable: synthesizerResults }
{{- end }}

{{- define "mosaic.workerDef" -}}
port: 8090
identity: worker
entry: dist/services/connector-worker/src/main.js
livePath: /health/live
readyPath: /health/ready
postgres: ""
redis: true
llm: true
{{- end }}

{{- define "mosaic.natsHost" -}}
{{- if .Values.nats.namespace -}}
{{- printf "%s.%s.svc" .Values.nats.host .Values.nats.namespace -}}
{{- else -}}
{{- .Values.nats.host -}}
{{- end -}}
{{- end }}

{{- define "mosaic.natsUrl" -}}
{{- .Values.nats.url | default (printf "nats://%s:%d" (include "mosaic.natsHost" .) (int .Values.nats.port)) -}}
{{- end }}

{{/* host:port of NATS monitoring as KEDA (in its own namespace) reaches it. */}}
{{- define "mosaic.natsMonitoringEndpoint" -}}
{{- if .Values.nats.monitoringEndpoint -}}
{{- .Values.nats.monitoringEndpoint -}}
{{- else if contains "." .Values.nats.host -}}
{{- printf "%s:%d" .Values.nats.host (int .Values.nats.monitorPort) -}}
{{- else -}}
{{- printf "%s.%s.svc.cluster.local:%d" .Values.nats.host (.Values.nats.namespace | default .Release.Namespace) (int .Values.nats.monitorPort) -}}
{{- end -}}
{{- end }}

{{- define "mosaic.postgresUrl" -}}
{{- $pg := .root.Values.postgres -}}
{{- printf "postgres://%s:$(%s)@%s:%d/%s" .user .passwordVar $pg.host (int $pg.port) $pg.database -}}
{{- with $pg.params }}?{{ . }}{{ end -}}
{{- end }}

{{- define "mosaic.redisUrl" -}}
{{- $r := .Values.redis -}}
{{- $auth := "" -}}
{{- if $r.auth.enabled -}}
{{- $auth = printf "%s:$(REDIS_PASSWORD)@" ($r.auth.username | default "") -}}
{{- end -}}
{{- printf "%s://%s%s:%d/%d" (ternary "rediss" "redis" $r.tls) $auth $r.host (int $r.port) (int $r.db) -}}
{{- end }}

{{/*
The container environment, as a YAML list: Secret references first (so the URLs below can use
$(POSTGRES_OWNER_PASSWORD) and the like), then plain values by name. Precedence of plain values:
the workload's env > llm.env > config.env > computed values.
Input: root, def (a service or worker definition), extra (computed plain values), env (the
workload's env), secretEnv (the workload's NAME: {secretName, key, optional}).
*/}}
{{- define "mosaic.env" -}}
{{- $root := .root -}}
{{- $def := .def -}}
{{- $secret := include "mosaic.secretName" $root -}}
{{- $refs := list -}}
{{- $refs = append $refs (dict "name" "NATS_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" (printf "NATS_%s_PASSWORD" (upper $def.identity))))) -}}
{{- if eq $def.postgres "owner" -}}
{{- $refs = append $refs (dict "name" "POSTGRES_OWNER_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" "POSTGRES_OWNER_PASSWORD"))) -}}
{{- else if eq $def.postgres "app" -}}
{{- $refs = append $refs (dict "name" "POSTGRES_APP_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" "POSTGRES_APP_PASSWORD"))) -}}
{{- end -}}
{{- if and $def.redis $root.Values.redis.auth.enabled -}}
{{- $refs = append $refs (dict "name" "REDIS_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" "REDIS_PASSWORD"))) -}}
{{- end -}}
{{- if eq $def.identity "auth" -}}
{{- $refs = append $refs (dict "name" "AUTH_SIGNING_KEYS" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" "AUTH_SIGNING_KEYS"))) -}}
{{- $refs = append $refs (dict "name" "MOSAIC_VAULT_KEYS" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" "MOSAIC_VAULT_KEYS"))) -}}
{{- end -}}
{{- if $def.llm -}}
{{- $refs = append $refs (dict "name" "ANTHROPIC_API_KEY" "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" "ANTHROPIC_API_KEY" "optional" true))) -}}
{{- end -}}
{{- range $name, $ref := .secretEnv -}}
{{- $keyRef := dict "name" $ref.secretName "key" $ref.key -}}
{{- if $ref.optional }}{{ $_ := set $keyRef "optional" true }}{{ end -}}
{{- $refs = append $refs (dict "name" $name "valueFrom" (dict "secretKeyRef" $keyRef)) -}}
{{- end -}}
{{- $base := dict
    "NODE_ENV" $root.Values.config.nodeEnv
    "LOG_LEVEL" $root.Values.config.logLevel
    "HOST" "0.0.0.0"
    "PORT" (printf "%d" (int $def.port))
    "HOME" "/tmp"
    "DRAIN_TIMEOUT_MS" (printf "%d" (int $root.Values.config.drainTimeoutMs))
    "NATS_URL" (include "mosaic.natsUrl" $root)
    "NATS_USER" $def.identity -}}
{{- if eq $def.postgres "owner" -}}
{{- $_ := set $base "DATABASE_URL" (include "mosaic.postgresUrl" (dict "root" $root "user" $root.Values.postgres.ownerUser "passwordVar" "POSTGRES_OWNER_PASSWORD")) -}}
{{- else if eq $def.postgres "app" -}}
{{- $_ := set $base "APP_DATABASE_URL" (include "mosaic.postgresUrl" (dict "root" $root "user" $root.Values.postgres.appUser "passwordVar" "POSTGRES_APP_PASSWORD")) -}}
{{- end -}}
{{- if $def.redis -}}
{{- $_ := set $base "REDIS_URL" (include "mosaic.redisUrl" $root) -}}
{{- end -}}
{{- if or (eq $def.identity "gateway") (eq $def.identity "auth") -}}
{{- $_ := set $base "JWT_ISSUER" $root.Values.config.jwtIssuer -}}
{{- $_ := set $base "JWT_AUDIENCE" $root.Values.config.jwtAudience -}}
{{- end -}}
{{- $llmEnv := dict -}}
{{- if $def.llm }}{{ $llmEnv = $root.Values.llm.env | default dict }}{{ end -}}
{{- $plain := merge (dict) (deepCopy (.env | default dict)) (deepCopy $llmEnv) (deepCopy ($root.Values.config.env | default dict)) (deepCopy (.extra | default dict)) $base -}}
{{- $list := $refs -}}
{{- range $name := keys $plain | sortAlpha -}}
{{- $list = append $list (dict "name" $name "value" (get $plain $name | toString)) -}}
{{- end -}}
{{- toYaml $list -}}
{{- end }}

{{/*
A Deployment. Input: root, name, component, connector?, container, def, replicas, autoscaled
(no spec.replicas then: the autoscaler owns it), env (YAML list from mosaic.env), resources,
podAnnotations, volumes, volumeMounts.
*/}}
{{- define "mosaic.deployment" -}}
{{- $root := .root -}}
{{- $values := $root.Values -}}
{{- $probes := $values.probes -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "mosaic.labels" . | nindent 4 }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ int .replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      {{- include "mosaic.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "mosaic.selectorLabels" . | nindent 8 }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- $annotations := merge (dict) (.podAnnotations | default dict) ($values.podAnnotations | default dict) }}
      {{- if not $values.secrets.existingSecret }}
      {{- $_ := set $annotations "checksum/secret" ($values.secrets | toJson | sha256sum) }}
      {{- end }}
      {{- with $annotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ include "mosaic.serviceAccountName" $root }}
      automountServiceAccountToken: false
      {{- with $values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ add (div (int $values.config.drainTimeoutMs) 1000) 10 }}
      {{- if $values.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: {{ $values.topologySpread.topologyKey }}
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "mosaic.selectorLabels" . | nindent 14 }}
      {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .container }}
          image: {{ include "mosaic.image" $root | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          workingDir: {{ $values.image.workingDir }}
          command: ["node", "--enable-source-maps", {{ .def.entry | quote }}]
          ports:
            - name: http
              containerPort: {{ int .def.port }}
              protocol: TCP
          env:
            {{- .env | nindent 12 }}
          startupProbe:
            httpGet: { path: {{ .def.livePath }}, port: http }
            periodSeconds: {{ int $probes.startup.periodSeconds }}
            timeoutSeconds: {{ int $probes.startup.timeoutSeconds }}
            failureThreshold: {{ int $probes.startup.failureThreshold }}
          livenessProbe:
            httpGet: { path: {{ .def.livePath }}, port: http }
            periodSeconds: {{ int $probes.liveness.periodSeconds }}
            timeoutSeconds: {{ int $probes.liveness.timeoutSeconds }}
            failureThreshold: {{ int $probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet: { path: {{ .def.readyPath }}, port: http }
            periodSeconds: {{ int $probes.readiness.periodSeconds }}
            timeoutSeconds: {{ int $probes.readiness.timeoutSeconds }}
            failureThreshold: {{ int $probes.readiness.failureThreshold }}
          resources:
            {{- toYaml .resources | nindent 12 }}
          securityContext:
            {{- toYaml $values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with .volumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $values.tmpVolume.sizeLimit }}
        {{- with .volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end }}

{{/*
A connector's settings with connectorDefaults applied: (dict "root" $ "id" "github").
Returns YAML: enabled, replicas, resources, env, secretEnv, egressAllow, podAnnotations,
autoscaling {enabled, maxReplicas, lagThreshold, activationLagThreshold,
targetCPUUtilizationPercentage}, volumes, volumeMounts, deploymentCredentials, egress.
*/}}
{{- define "mosaic.connector" -}}
{{- $d := .root.Values.connectorDefaults -}}
{{- $c := get .root.Values.connectors .id | default dict -}}
{{- $cAuto := $c.autoscaling | default dict -}}
{{- $egressAllow := concat ($d.egressAllow | default list) ($c.egressAllow | default list) | uniq -}}
enabled: {{ $c.enabled | default false }}
replicas: {{ hasKey $c "replicas" | ternary $c.replicas 1 | int }}
deploymentCredentials: {{ $c.deploymentCredentials | default false }}
resources:
  requests:
    {{- toYaml (merge (dict) (dig "resources" "requests" dict $c) (dig "resources" "requests" dict $d)) | nindent 4 }}
  limits:
    {{- toYaml (merge (dict) (dig "resources" "limits" dict $c) (dig "resources" "limits" dict $d)) | nindent 4 }}
env:
  {{- toYaml (merge (dict) (deepCopy ($c.env | default dict)) (deepCopy ($d.env | default dict))) | nindent 2 }}
secretEnv:
  {{- toYaml ($c.secretEnv | default dict) | nindent 2 }}
egressAllow:
  {{- toYaml $egressAllow | nindent 2 }}
podAnnotations:
  {{- toYaml (merge (dict) (deepCopy ($c.podAnnotations | default dict)) (deepCopy ($d.podAnnotations | default dict))) | nindent 2 }}
autoscaling:
  enabled: {{ hasKey $cAuto "enabled" | ternary $cAuto.enabled $d.autoscaling.enabled }}
  {{- range $k := list "maxReplicas" "lagThreshold" "activationLagThreshold" "targetCPUUtilizationPercentage" }}
  {{ $k }}: {{ hasKey $cAuto $k | ternary (get $cAuto $k) (get $d.autoscaling $k) | int }}
  {{- end }}
volumes:
  {{- toYaml ($c.volumes | default list) | nindent 2 }}
volumeMounts:
  {{- toYaml ($c.volumeMounts | default list) | nindent 2 }}
egress:
  {{- toYaml (dig "networkPolicy" "egress" list $c) | nindent 2 }}
stdioCommands:
  {{- toYaml ($c.stdioCommands | default dict) | nindent 2 }}
{{- end }}

{{/* The enabled connector ids, in catalog order, as a JSON list. */}}
{{- define "mosaic.enabledConnectors" -}}
{{- $contract := include "mosaic.contract" . | fromYaml -}}
{{- $enabled := list -}}
{{- range $id := $contract.connectorIds -}}
{{- if (get $.Values.connectors $id | default dict).enabled -}}
{{- $enabled = append $enabled $id -}}
{{- end -}}
{{- end -}}
{{- toJson $enabled -}}
{{- end }}

{{/*
NATS permissions of each service identity: the same subjects as nats_permissions in
scripts/infra.sh (the chart test compares them). `admin` has none (everything).
*/}}
{{- define "mosaic.jsDurable" -}}
- "$JS.API.CONSUMER.INFO.{{ .stream }}.{{ .durable }}"
- "$JS.API.CONSUMER.CREATE.{{ .stream }}.{{ .durable }}"
- "$JS.API.CONSUMER.CREATE.{{ .stream }}.{{ .durable }}.>"
- "$JS.API.CONSUMER.DURABLE.CREATE.{{ .stream }}.{{ .durable }}"
- "$JS.API.CONSUMER.MSG.NEXT.{{ .stream }}.{{ .durable }}"
- "$JS.ACK.{{ .stream }}.{{ .durable }}.>"
{{- end }}

{{- define "mosaic.natsPermissions" -}}
{{- $c := include "mosaic.contract" . | fromYaml -}}
{{- $cred := "mosaic.auth.v1.credentials.resolve" -}}
{{- $mcpResolve := "mosaic.auth.v1.mcp-server.resolve" -}}
{{- $mcpDrift := "mosaic.auth.v1.mcp-server.drift" -}}
{{- $mcpDiscover := "mosaic.connector.v1.mcp.discover" -}}
{{- $plannerDetect := "mosaic.planner.v1.detect" -}}
gateway:
  publish:
    allow:
      - mosaic.query.requested.v1
      # Events: the first of each query (query_accepted), naming its owner.
      - "mosaic.events.v1.>"
      - "mosaic.auth.v1.>"
      - "mosaic.connector.v1.*.test"
      - {{ $mcpDiscover }}
      - {{ $plannerDetect }}
      - "$JS.API.INFO"
      - "$JS.API.STREAM.INFO.*"
      - "$JS.API.CONSUMER.CREATE.{{ $c.streams.events }}.>"
      - "$JS.API.CONSUMER.INFO.{{ $c.streams.events }}.*"
      - "$JS.API.CONSUMER.DELETE.{{ $c.streams.events }}.*"
      - "$JS.API.CONSUMER.MSG.NEXT.{{ $c.streams.events }}.*"
    deny: [{{ $cred }}, {{ $mcpResolve }}, {{ $mcpDrift }}]
  subscribe:
    allow: ["_INBOX.gateway.>"]
    deny: ["mosaic.auth.v1.>", "_INBOX.worker.>"]
auth:
  # Replies to the requests it received, and its history consumer's JetStream API.
  allow_responses: true
  publish:
    allow:
      - "$JS.API.INFO"
      - "$JS.API.STREAM.INFO.*"
      {{- include "mosaic.jsDurable" (dict "stream" $c.streams.events "durable" $c.consumers.historyWriter) | nindent 6 }}
    deny: [{{ $cred }}, {{ $mcpResolve }}, {{ $mcpDrift }}]
  subscribe:
    allow: ["_INBOX.auth.>", "mosaic.auth.v1.>"]
    deny: ["_INBOX.worker.>"]
planner:
  allow_responses: true
  publish:
    allow:
      - mosaic.query.planned.v1
      - "mosaic.task.v1.>"
      - "mosaic.events.v1.>"
      - "$JS.API.INFO"
      - "$JS.API.STREAM.INFO.*"
      {{- include "mosaic.jsDurable" (dict "stream" $c.streams.queries "durable" $c.consumers.planner) | nindent 6 }}
    deny: [{{ $cred }}, {{ $mcpResolve }}, {{ $mcpDrift }}]
  subscribe:
    allow: ["_INBOX.planner.>", {{ $plannerDetect }}]
    deny: ["mosaic.auth.v1.>", "_INBOX.worker.>"]
synthesizer:
  publish:
    allow:
      - "mosaic.events.v1.>"
      - "$JS.API.INFO"
      - "$JS.API.STREAM.INFO.*"
      {{- include "mosaic.jsDurable" (dict "stream" $c.streams.queries "durable" $c.consumers.synthesizerPlans) | nindent 6 }}
      {{- include "mosaic.jsDurable" (dict "stream" $c.streams.results "durable" $c.consumers.synthesizerResults) | nindent 6 }}
    deny: [{{ $cred }}, {{ $mcpResolve }}, {{ $mcpDrift }}]
  subscribe:
    allow: ["_INBOX.synthesizer.>"]
    deny: ["mosaic.auth.v1.>", "_INBOX.worker.>"]
worker:
  allow_responses: true
  publish:
    allow:
      - mosaic.result.v1
      - "mosaic.events.v1.>"
      - {{ $cred }}
      - {{ $mcpResolve }}
      - {{ $mcpDrift }}
      - "$JS.API.INFO"
      - "$JS.API.STREAM.INFO.*"
      {{- include "mosaic.jsDurable" (dict "stream" $c.streams.tasks "durable" "*") | nindent 6 }}
  subscribe:
    allow: ["_INBOX.worker.>", "mosaic.connector.v1.*.test", {{ $mcpDiscover }}]
    deny: ["mosaic.auth.v1.>"]
{{- end }}

{{/* A NATS config list: ["a", "b"] (subjects never contain quotes). */}}
{{- define "mosaic.natsList" -}}
[{{ range $i, $s := . }}{{ if $i }}, {{ end }}"{{ $s }}"{{ end }}]
{{- end }}

{{/* A podSelector for some components of the release: (dict "root" $ "components" (list ...)) */}}
{{- define "mosaic.componentSelector" -}}
matchLabels:
  {{- include "mosaic.releaseSelectorLabels" .root | nindent 2 }}
matchExpressions:
  - key: app.kubernetes.io/component
    operator: In
    values: {{ toJson .components }}
{{- end }}

{{/*
A pre-install/pre-upgrade hook Job: (dict "root" $ "name" ... "component" ... "weight" "-5"
"command" (list ...) "env" (list ...) "settings" .Values.migrations). The Job uses the
namespace's default ServiceAccount: the chart's own does not exist yet before the first install.
*/}}
{{- define "mosaic.hookJob" -}}
{{- $root := .root -}}
{{- $values := $root.Values -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "mosaic.labels" . | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: {{ .weight | quote }}
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: {{ int .settings.backoffLimit }}
  activeDeadlineSeconds: {{ int .settings.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "mosaic.selectorLabels" . | nindent 8 }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- with $values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $values.podSecurityContext | nindent 8 }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "mosaic.image" $root | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          workingDir: {{ $values.image.workingDir }}
          command:
            {{- toYaml .command | nindent 12 }}
          env:
            {{- toYaml .env | nindent 12 }}
          resources:
            {{- toYaml .settings.resources | nindent 12 }}
          securityContext:
            {{- toYaml $values.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $values.tmpVolume.sizeLimit }}
{{- end }}

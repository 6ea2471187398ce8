{{/*
The Redis backplane (docs/scale-out.md) and the trial Redis the chart can deploy: names, labels,
the checks of their values and the `backplane:` section of hubgate.yaml.
*/}}

{{/* "true" when a backplane is configured (an external Redis or the chart's own), else "". */}}
{{- define "hubgate.backplaneEnabled" -}}
{{- if or .Values.backplane.redis.addresses .Values.redis.enabled }}true{{ end }}
{{- end }}

{{/* The Redis the chart deploys for trials (redis.enabled). */}}
{{- define "hubgate.redisFullname" -}}
{{- printf "%s-redis" (include "hubgate.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Its own app name, so that the gateway's Services and PDB never select the Redis pod. */}}
{{- define "hubgate.redisSelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-redis" (include "hubgate.name" .) | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hubgate.redisLabels" -}}
helm.sh/chart: {{ include "hubgate.chart" . }}
{{ include "hubgate.redisSelectorLabels" . }}
app.kubernetes.io/component: redis
app.kubernetes.io/part-of: {{ include "hubgate.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The Secret holding the connection token secret, or "" when none is configured. */}}
{{- define "hubgate.backplaneSecretName" -}}
{{- if .Values.backplane.existingSecret }}
{{- .Values.backplane.existingSecret }}
{{- else if .Values.backplane.tokenSecret }}
{{- printf "%s-backplane" (include "hubgate.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* The Redis addresses, one per line: the values', or the chart's Redis Service. */}}
{{- define "hubgate.backplaneAddresses" -}}
{{- if .Values.redis.enabled }}
{{- printf "%s:6379" (include "hubgate.redisFullname" .) }}
{{- else }}
{{- join "\n" .Values.backplane.redis.addresses }}
{{- end }}
{{- end }}

{{/* The pods the Deployment runs at least: the HPA's minimum, or replicaCount. */}}
{{- define "hubgate.minReplicas" -}}
{{- if .Values.autoscaling.enabled }}
{{- int .Values.autoscaling.minReplicas }}
{{- else }}
{{- int .Values.replicaCount }}
{{- end }}
{{- end }}

{{/*
The Deployment strategy: .Values.strategy, with an empty rollingUpdate.maxUnavailable made 0 for
one replica (the surge pod is ready before the only pod drains) and 1 for several (one pod
drains while the others serve its reconnecting clients).
*/}}
{{- define "hubgate.strategy" -}}
{{- $strategy := deepCopy (.Values.strategy | default dict) }}
{{- if eq (toString (get $strategy "type" | default "RollingUpdate")) "RollingUpdate" }}
{{- $rolling := get $strategy "rollingUpdate" | default dict }}
{{- $maxUnavailable := get $rolling "maxUnavailable" }}
{{- if or (kindIs "invalid" $maxUnavailable) (eq (toString $maxUnavailable) "") }}
{{- $_ := set $rolling "maxUnavailable" (ternary 1 0 (gt (int (include "hubgate.minReplicas" .)) 1)) }}
{{- end }}
{{- $_ := set $strategy "rollingUpdate" $rolling }}
{{- else }}
{{- $_ := unset $strategy "rollingUpdate" }}
{{- end }}
{{- with $strategy }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* Checks of the replica, backplane, Redis and autoscaling values (from hubgate.validate). */}}
{{- define "hubgate.validateBackplane" -}}
{{- $backplane := .Values.backplane }}
{{- $redis := $backplane.redis }}
{{- $on := include "hubgate.backplaneEnabled" . }}
{{- if and (or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled) (not $on) }}
{{- fail "hubgate: replicaCount > 1 and autoscaling.enabled need the Redis backplane (backplane.redis.addresses or redis.enabled): without it each pod reaches only its own connections, so a push would silently miss the clients of the other pods (see helm/hubgate/README.md)" }}
{{- end }}
{{- if hasKey (.Values.config | default dict) "backplane" }}
{{- fail "hubgate: do not set config.backplane; use the backplane.* values (and redis.enabled): the chart renders the section and passes its secrets as environment variables" }}
{{- end }}
{{- if and $backplane.tokenSecret $backplane.existingSecret }}
{{- fail "hubgate: set backplane.tokenSecret or backplane.existingSecret, not both" }}
{{- end }}
{{- if and $backplane.tokenSecret (lt (len $backplane.tokenSecret) 32) }}
{{- fail "hubgate: backplane.tokenSecret must be at least 32 bytes (e.g. openssl rand -hex 32)" }}
{{- end }}
{{- if and $on (not (include "hubgate.backplaneSecretName" .)) }}
{{- fail "hubgate: the backplane needs a token secret: set backplane.tokenSecret or backplane.existingSecret (the same on every replica; it signs the connection tokens that let any pod accept a client negotiated by another)" }}
{{- end }}
{{- if and .Values.redis.enabled $redis.addresses }}
{{- fail "hubgate: set backplane.redis.addresses or redis.enabled, not both (redis.enabled points the backplane at the Redis the chart deploys)" }}
{{- end }}
{{- if and .Values.redis.enabled $redis.cluster }}
{{- fail "hubgate: backplane.redis.cluster: the Redis of redis.enabled is a single server; use an external Redis Cluster in backplane.redis.addresses" }}
{{- end }}
{{- if and .Values.redis.enabled $redis.user }}
{{- fail "hubgate: backplane.redis.user: the Redis of redis.enabled has only its default user (backplane.redis.existingSecret sets its password)" }}
{{- end }}
{{- if not (kindIs "slice" ($redis.addresses | default list)) }}
{{- fail "hubgate: backplane.redis.addresses must be a list of host:port (--set 'backplane.redis.addresses={redis-0:6379,redis-1:6379}')" }}
{{- end }}
{{- range $i, $address := $redis.addresses }}
{{- if not (regexMatch "^(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\]]+):[0-9]{1,5}$" (toString $address)) }}
{{- fail (printf "hubgate: backplane.redis.addresses[%d] %q is not host:port" $i (toString $address)) }}
{{- end }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- $min := int .Values.autoscaling.minReplicas }}
{{- if or (lt $min 1) (gt $min (int .Values.autoscaling.maxReplicas)) }}
{{- fail "hubgate: autoscaling.minReplicas must be at least 1 and at most autoscaling.maxReplicas" }}
{{- end }}
{{- if not (or .Values.autoscaling.targetCPUUtilizationPercentage .Values.autoscaling.targetMemoryUtilizationPercentage) }}
{{- fail "hubgate: autoscaling needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The `backplane:` section of hubgate.yaml, or nothing. The secrets (token secret, Redis password)
and the per-pod settings (advertise address, replica id) come as environment variables instead.
*/}}
{{- define "hubgate.backplaneConfig" -}}
{{- if include "hubgate.backplaneEnabled" . }}
{{- $redis := .Values.backplane.redis }}
{{- $section := dict
  "type" "redis"
  "addresses" (splitList "\n" (include "hubgate.backplaneAddresses" .))
  "cluster" (eq (toString $redis.cluster) "true")
  "channel_prefix" .Values.backplane.channelPrefix }}
{{- with $redis.user }}
{{- $_ := set $section "user" . }}
{{- end }}
{{- with .Values.backplane.requestTimeout }}
{{- $_ := set $section "request_timeout" . }}
{{- end }}
{{- toYaml $section }}
{{- end }}
{{- end }}

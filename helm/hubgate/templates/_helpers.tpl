{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "hubgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, prefixed with the chart name if needed. */}}
{{- define "hubgate.fullname" -}}
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

{{- define "hubgate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hubgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hubgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hubgate.labels" -}}
helm.sh/chart: {{ include "hubgate.chart" . }}
{{ include "hubgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "hubgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hubgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "hubgate.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}

{{/* The Secret holding the HS256 key, or "" when authentication has no HS256 secret. */}}
{{- define "hubgate.authSecretName" -}}
{{- if .Values.auth.existingSecret }}
{{- .Values.auth.existingSecret }}
{{- else if .Values.auth.hs256Secret }}
{{- printf "%s-auth" (include "hubgate.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* The Secret holding the Push API key, or "" when the chart wires none. */}}
{{- define "hubgate.pushApiSecretName" -}}
{{- if .Values.pushApi.existingSecret }}
{{- .Values.pushApi.existingSecret }}
{{- else if .Values.pushApi.key }}
{{- printf "%s-push-api" (include "hubgate.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Where the pod sees the Push API key and TLS files. */}}
{{- define "hubgate.pushApiKeyDir" -}}/var/run/hubgate/push-api-key{{- end }}
{{- define "hubgate.pushApiTlsDir" -}}/var/run/hubgate/push-api-tls{{- end }}
{{- define "hubgate.httpTlsDir" -}}/var/run/hubgate/http-tls{{- end }}

{{/* terminationGracePeriodSeconds: preStop sleep + drain deadline + margin. */}}
{{- define "hubgate.terminationGracePeriodSeconds" -}}
{{- add (int .Values.shutdown.preStopSleepSeconds) (int .Values.shutdown.deadlineSeconds) (int .Values.shutdown.terminationMarginSeconds) }}
{{- end }}

{{/* Checks of the values; every template includes it, so any render fails the same way. */}}
{{- define "hubgate.validate" -}}
{{- $config := .Values.config | default dict }}
{{- include "hubgate.validateBackplane" . }}
{{- if and .Values.pushApi.key .Values.pushApi.existingSecret }}
{{- fail "hubgate: set pushApi.key or pushApi.existingSecret, not both" }}
{{- end }}
{{- range $i, $k := (get ($config.push_api | default dict) "keys" | default list) }}
{{- if hasKey $k "key" }}
{{- fail (printf "hubgate: config.push_api.keys[%d] has an inline key; the ConfigMap is not secret: use key_file with a Secret volume (extraVolumes), or pushApi.key / pushApi.existingSecret" $i) }}
{{- end }}
{{- end }}
{{- if hasKey ($config.push_api | default dict) "tls" }}
{{- fail "hubgate: do not set config.push_api.tls; use pushApi.tls.existingSecret" }}
{{- end }}
{{- if and .Values.pushApi.tls.requireClientCertificates (not .Values.pushApi.tls.existingSecret) }}
{{- fail "hubgate: pushApi.tls.requireClientCertificates needs pushApi.tls.existingSecret (tls.crt, tls.key, ca.crt)" }}
{{- end }}
{{- if hasKey ($config.http | default dict) "tls" }}
{{- fail "hubgate: do not set config.http.tls; use tls.existingSecret" }}
{{- end }}
{{- if hasKey ($config.admin | default dict) "tls" }}
{{- fail "hubgate: do not set config.admin.tls: the chart's probes and ServiceMonitor speak plain HTTP to the admin port" }}
{{- end }}
{{- if and .Values.auth.hs256Secret .Values.auth.existingSecret }}
{{- fail "hubgate: set auth.hs256Secret or auth.existingSecret, not both" }}
{{- end }}
{{- $shutdown := .Values.shutdown }}
{{- if or (le (int $shutdown.drainWindowSeconds) 0) (le (int $shutdown.deadlineSeconds) 0) }}
{{- fail "hubgate: shutdown.drainWindowSeconds and shutdown.deadlineSeconds must be positive" }}
{{- end }}
{{- if ge (int $shutdown.drainWindowSeconds) (int $shutdown.deadlineSeconds) }}
{{- fail "hubgate: shutdown.drainWindowSeconds must be less than shutdown.deadlineSeconds" }}
{{- end }}
{{- if lt (int $shutdown.terminationMarginSeconds) 1 }}
{{- fail "hubgate: shutdown.terminationMarginSeconds must be at least 1" }}
{{- end }}
{{- range $section := list "http" "grpc" "admin" }}
{{- if hasKey (get $config $section | default dict) "listen" }}
{{- fail (printf "hubgate: do not set config.%s.listen; the chart derives it from ports.*" $section) }}
{{- end }}
{{- end }}
{{- if hasKey $config "shutdown" }}
{{- fail "hubgate: do not set config.shutdown; use the shutdown.* values (they also size terminationGracePeriodSeconds)" }}
{{- end }}
{{- if hasKey $config "port_file" }}
{{- fail "hubgate: config.port_file is not for Kubernetes (the root filesystem is read-only)" }}
{{- end }}
{{- if (get ($config.auth | default dict) "hs256_secret") }}
{{- fail "hubgate: do not put config.auth.hs256_secret in the ConfigMap; use auth.hs256Secret or auth.existingSecret" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (ne (toString .Values.podDisruptionBudget.minAvailable) "") (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) (ne (toString .Values.podDisruptionBudget.maxUnavailable) "") }}
{{- fail "hubgate: set podDisruptionBudget.minAvailable or podDisruptionBudget.maxUnavailable, not both" }}
{{- end }}
{{- if and .Values.serviceMonitor.enabled (not .Values.adminService.enabled) }}
{{- fail "hubgate: serviceMonitor.enabled needs adminService.enabled" }}
{{- end }}
{{- end }}

{{/* hubgate.yaml: .Values.config plus the chart-managed keys. */}}
{{- define "hubgate.config" -}}
{{- $managed := dict
  "http" (dict "listen" (printf "0.0.0.0:%d" (int .Values.ports.http)))
  "grpc" (dict "listen" (printf "0.0.0.0:%d" (int .Values.ports.grpc)))
  "admin" (dict "listen" (printf "0.0.0.0:%d" (int .Values.ports.admin)))
  "shutdown" (dict
    "drain_window" (printf "%ds" (int .Values.shutdown.drainWindowSeconds))
    "deadline" (printf "%ds" (int .Values.shutdown.deadlineSeconds))) }}
{{- $config := mustMergeOverwrite (deepCopy (.Values.config | default dict)) $managed }}
{{- $pushApi := deepCopy (get $config "push_api" | default dict) }}
{{- $keys := get $pushApi "keys" | default list }}
{{- if include "hubgate.pushApiSecretName" . }}
{{- $keys = append $keys (dict "name" .Values.pushApi.keyName "key_file" (printf "%s/key" (include "hubgate.pushApiKeyDir" .))) }}
{{- end }}
{{- if $keys }}
{{- $_ := set $pushApi "keys" $keys }}
{{- end }}
{{- with .Values.pushApi.tls.existingSecret }}
{{- $dir := include "hubgate.pushApiTlsDir" $ }}
{{- $tls := dict "cert_file" (printf "%s/tls.crt" $dir) "key_file" (printf "%s/tls.key" $dir) }}
{{- if $.Values.pushApi.tls.requireClientCertificates }}
{{- $_ := set $tls "client_ca_file" (printf "%s/ca.crt" $dir) }}
{{- end }}
{{- $_ := set $pushApi "tls" $tls }}
{{- end }}
{{- with .Values.tls.existingSecret }}
{{- $dir := include "hubgate.httpTlsDir" $ }}
{{- $http := deepCopy (get $config "http" | default dict) }}
{{- $_ := set $http "tls" (dict "cert_file" (printf "%s/tls.crt" $dir) "key_file" (printf "%s/tls.key" $dir)) }}
{{- $_ := set $config "http" $http }}
{{- end }}
{{- if .Values.pushApi.allowUnauthenticatedRemote }}
{{- $_ := set $pushApi "allow_unauthenticated_remote" true }}
{{- end }}
{{- if $pushApi }}
{{- $_ := set $config "push_api" $pushApi }}
{{- end }}
{{- with include "hubgate.backplaneConfig" . }}
{{- $_ := set $config "backplane" (fromYaml .) }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/* Chart name, shortened to Kubernetes' 63-character label limit. */}}
{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name for the chart's objects. */}}
{{- define "switchboard.fullname" -}}
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

{{- define "switchboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "switchboard.labels" -}}
helm.sh/chart: {{ include "switchboard.chart" . }}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "switchboard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "switchboard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "switchboard.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Name of the file the ConfigMap holds and the gateway reads. */}}
{{- define "switchboard.configFile" -}}
switchboard.yaml
{{- end }}

{{/* Environment variable that carries provider <id>'s API key: SB_PROVIDER_<ID>_API_KEY. */}}
{{- define "switchboard.providerKeyEnv" -}}
{{- printf "SB_PROVIDER_%s_API_KEY" (regexReplaceAll "[^A-Z0-9]" (upper .) "_") }}
{{- end }}

{{/* Environment variable that carries gateway key <i>: SB_GATEWAY_KEY_<i>. */}}
{{- define "switchboard.gatewayKeyEnv" -}}
{{- printf "SB_GATEWAY_KEY_%d" (int .) }}
{{- end }}

{{/*
A value written straight into values: refused unless it is (or contains) a ${VAR} placeholder, so that secrets
come from Secrets. Arguments: the value and its path in values.
*/}}
{{- define "switchboard.refuseLiteralSecret" -}}
{{- $value := index . 0 }}
{{- $path := index . 1 }}
{{- if and $value (not (contains "${" (toString $value))) }}
{{- fail (printf "%s holds a literal secret: put it in a Secret and reference it with %s, or use a ${VAR} placeholder supplied through extraEnv" $path (index . 2)) }}
{{- end }}
{{- end }}

{{/* Checks a {name, key} Secret reference. Arguments: the reference and its path in values. */}}
{{- define "switchboard.checkSecretRef" -}}
{{- $ref := index . 0 }}
{{- $path := index . 1 }}
{{- if not (kindIs "map" $ref) }}
{{- fail (printf "%s must be a map with name and key" $path) }}
{{- end }}
{{- if not (and $ref.name $ref.key) }}
{{- fail (printf "%s needs both name (the Secret) and key (the entry in it)" $path) }}
{{- end }}
{{- end }}

{{/*
Environment entries for every secret the configuration references, as a YAML list. Validates the references, refuses
literal secrets and names that two providers would share.
*/}}
{{- define "switchboard.secretEnv" -}}
{{- $sb := .Values.switchboard | default dict }}
{{- $env := list }}
{{- $names := dict }}
{{- range $id, $provider := ($sb.providers | default dict) }}
{{- if not (kindIs "map" $provider) }}
{{- fail (printf "switchboard.providers.%s must be a map of provider settings" $id) }}
{{- end }}
{{- $path := printf "switchboard.providers.%s" $id }}
{{- range $literal := list "api-key" "apiKey" "api_key" }}
{{- $value := index $provider $literal }}
{{- if and $value $provider.apiKeySecret }}
{{- fail (printf "%s: set one of apiKeySecret and %s" $path $literal) }}
{{- end }}
{{- include "switchboard.refuseLiteralSecret" (list $value (printf "%s.%s" $path $literal) "apiKeySecret") }}
{{- end }}
{{- with $provider.apiKeySecret }}
{{- include "switchboard.checkSecretRef" (list . (printf "%s.apiKeySecret" $path)) }}
{{- $name := include "switchboard.providerKeyEnv" $id }}
{{- if hasKey $names $name }}
{{- fail (printf "providers %s and %s would share the variable %s: rename one" (get $names $name) $id $name) }}
{{- end }}
{{- $_ := set $names $name $id }}
{{- $env = append $env (dict "name" $name "valueFrom" (dict "secretKeyRef" (dict "name" .name "key" .key))) }}
{{- end }}
{{- end }}
{{- range $i, $key := (($sb.auth | default dict).keys | default list) }}
{{- if not (kindIs "map" $key) }}
{{- fail (printf "switchboard.auth.keys[%d] must be a map of key settings" $i) }}
{{- end }}
{{- $path := printf "switchboard.auth.keys[%d]" $i }}
{{- if and $key.key $key.keySecret }}
{{- fail (printf "%s: set one of keySecret and key" $path) }}
{{- end }}
{{- include "switchboard.refuseLiteralSecret" (list $key.key (printf "%s.key" $path) "keySecret") }}
{{- with $key.keySecret }}
{{- include "switchboard.checkSecretRef" (list . (printf "%s.keySecret" $path)) }}
{{- $env = append $env (dict "name" (include "switchboard.gatewayKeyEnv" $i) "valueFrom" (dict "secretKeyRef" (dict "name" .name "key" .key))) }}
{{- end }}
{{- end }}
{{- with .Values.serviceMonitor.bearerTokenSecret }}
{{- include "switchboard.checkSecretRef" (list . "serviceMonitor.bearerTokenSecret") }}
{{- end }}
{{- if $env }}
{{- toYaml $env }}
{{- end }}
{{- end }}

{{/*
The file the gateway reads: springConfig, the shutdown grace period, and `switchboard:` with every Secret reference
replaced by the ${VAR} placeholder of its environment variable.
*/}}
{{- define "switchboard.config" -}}
{{- $sb := deepCopy (.Values.switchboard | default dict) }}
{{- range $id, $provider := ($sb.providers | default dict) }}
{{- if $provider.apiKeySecret }}
{{- $_ := set $provider "api-key" (printf "${%s}" (include "switchboard.providerKeyEnv" $id)) }}
{{- $_ := unset $provider "apiKeySecret" }}
{{- end }}
{{- end }}
{{- range $i, $key := (($sb.auth | default dict).keys | default list) }}
{{- if $key.keySecret }}
{{- $_ := set $key "key" (printf "${%s}" (include "switchboard.gatewayKeyEnv" $i)) }}
{{- $_ := unset $key "keySecret" }}
{{- end }}
{{- end }}
{{- $spring := deepCopy (.Values.springConfig | default dict) }}
{{- if hasKey $spring "switchboard" }}
{{- fail "springConfig.switchboard: put the gateway's settings under switchboard: instead" }}
{{- end }}
{{- $grace := int .Values.shutdown.gracePeriodSeconds }}
{{- if lt $grace 1 }}
{{- fail "shutdown.gracePeriodSeconds must be at least 1" }}
{{- end }}
{{- $lifecycle := dict "spring" (dict "lifecycle" (dict "timeout-per-shutdown-phase" (printf "%ds" $grace))) }}
{{- $config := mustMergeOverwrite $spring $lifecycle }}
{{- if $sb }}
{{- $_ := set $config "switchboard" $sb }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{- define "switchboard.terminationGracePeriodSeconds" -}}
{{- if .Values.shutdown.terminationGracePeriodSeconds }}
{{- int .Values.shutdown.terminationGracePeriodSeconds }}
{{- else }}
{{- add (int .Values.shutdown.preStopSleepSeconds) (int .Values.shutdown.gracePeriodSeconds) 15 }}
{{- end }}
{{- end }}

{{/*
Base name of every object. Fixed: the operator finds the webhook TLS Secret and the webhook
configurations by these names (webhooks/README.md).
*/}}
{{- define "agent-governor.fullname" -}}
agent-governor
{{- end -}}

{{- define "agent-governor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "agent-governor.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "agent-governor.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "agent-governor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agent-governor
{{- end -}}

{{/* Labels that select the operator pods (never change them: Deployment selectors are immutable). */}}
{{- define "agent-governor.selectorLabels" -}}
app.kubernetes.io/name: agent-governor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "agent-governor.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "agent-governor.webhookServiceName" -}}
{{- printf "%s-webhook" (include "agent-governor.fullname" .) -}}
{{- end -}}

{{- define "agent-governor.webhookSecretName" -}}
{{- printf "%s-webhook-tls" (include "agent-governor.fullname" .) -}}
{{- end -}}

{{- define "agent-governor.validatingWebhookName" -}}
{{- printf "%s-validating" (include "agent-governor.fullname" .) -}}
{{- end -}}

{{- define "agent-governor.mutatingWebhookName" -}}
{{- printf "%s-sidecar-injector" (include "agent-governor.fullname" .) -}}
{{- end -}}

{{/* cert-manager Certificate name, for the cert-manager.io/inject-ca-from annotation. */}}
{{- define "agent-governor.webhookCertificateName" -}}
{{- printf "%s-webhook" (include "agent-governor.fullname" .) -}}
{{- end -}}

{{/*
Where the API server reaches a webhook: the webhook Service, or webhook.url (an operator outside
the cluster). Call with (dict "root" $ "path" "/validate/residency").
*/}}
{{- define "agent-governor.webhookClientConfig" -}}
{{- $root := .root -}}
{{- if $root.Values.webhook.url }}
url: {{ printf "%s%s" (trimSuffix "/" $root.Values.webhook.url) .path | quote }}
{{- else }}
service:
  name: {{ include "agent-governor.webhookServiceName" $root }}
  namespace: {{ $root.Release.Namespace }}
  path: {{ .path | quote }}
  port: 443
{{- end }}
{{- end -}}

{{/*
namespaceSelector of every webhook: never the release namespace or kube-system (the cluster can
never lock itself out), plus webhook.namespaceSelectorExpressions.
*/}}
{{- define "agent-governor.webhookNamespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      - {{ .Release.Namespace }}
      - kube-system
{{- with .Values.webhook.namespaceSelectorExpressions }}
{{ toYaml . | indent 2 }}
{{- end }}
{{- end -}}

{{/* Annotations of the webhook configurations: cert-manager's CA injection when it issues the certificate. */}}
{{- define "agent-governor.webhookAnnotations" -}}
{{- if .Values.webhook.certManager.enabled }}
annotations:
  cert-manager.io/inject-ca-from: {{ printf "%s/%s" .Release.Namespace (include "agent-governor.webhookCertificateName" .) }}
{{- end }}
{{- end -}}

{{/* Labels that select the services replicas (docs/adr/0061); never the operator's. */}}
{{- define "agent-governor.servicesSelectorLabels" -}}
app.kubernetes.io/name: agent-governor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: services
{{- end -}}

{{- define "agent-governor.servicesLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "agent-governor.servicesSelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agent-governor
{{- end -}}

{{/* The usage store's URL: the one given, else the bundled store's Service; fails when neither. */}}
{{- define "agent-governor.usageStoreUrl" -}}
{{- $redis := .Values.usageStore.redis -}}
{{- if $redis.url -}}
{{ $redis.url }}
{{- else if $redis.bundled.enabled -}}
redis://{{ include "agent-governor.fullname" . }}-usage-store.{{ .Release.Namespace }}.svc:6379/0
{{- else -}}
{{ fail "usageStore.type is redis: set usageStore.redis.url (redis://host:6379/0) or usageStore.redis.bundled.enabled=true" }}
{{- end -}}
{{- end -}}

{{/* The operator's --usage-store flags (none with the API-server store, the default). */}}
{{- define "agent-governor.usageStoreArgs" -}}
{{- if eq .Values.usageStore.type "redis" }}
- --usage-store=redis
- --redis-url={{ include "agent-governor.usageStoreUrl" . }}
{{- if .Values.usageStore.redis.tls }}
- --redis-tls=true
{{- end }}
{{- if .Values.usageStore.redis.existingSecret }}
- --redis-password-file=/var/run/agent-governor/usage-store/password
{{- end }}
{{- if .Values.usageStore.redis.caSecret }}
- --redis-ca-file=/var/run/agent-governor/usage-store-ca/ca.crt
{{- end }}
- --budget-lease-seconds={{ .Values.usageStore.redis.budgetLeaseSeconds }}
{{- end }}
{{- end -}}

{{/* The usage store's password and CA mounts, for the operator and the services replicas alike. */}}
{{- define "agent-governor.usageStoreVolumeMounts" -}}
{{- if eq .Values.usageStore.type "redis" }}
{{- if .Values.usageStore.redis.existingSecret }}
# The usage store's password, read once at start (--redis-password-file).
- name: usage-store-password
  mountPath: /var/run/agent-governor/usage-store
  readOnly: true
{{- end }}
{{- if .Values.usageStore.redis.caSecret }}
- name: usage-store-ca
  mountPath: /var/run/agent-governor/usage-store-ca
  readOnly: true
{{- end }}
{{- end }}
{{- end -}}

{{- define "agent-governor.usageStoreVolumes" -}}
{{- if eq .Values.usageStore.type "redis" }}
{{- with .Values.usageStore.redis.existingSecret }}
- name: usage-store-password
  secret:
    secretName: {{ . }}
    items:
      - key: {{ $.Values.usageStore.redis.passwordKey }}
        path: password
{{- end }}
{{- with .Values.usageStore.redis.caSecret }}
- name: usage-store-ca
  secret:
    secretName: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Labels of the bundled usage store's pods (not the operator's: its selector must not match them). */}}
{{- define "agent-governor.usageStoreSelectorLabels" -}}
app.kubernetes.io/name: agent-governor
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: usage-store
{{- end -}}

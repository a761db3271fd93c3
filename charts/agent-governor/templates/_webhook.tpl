{{/*
The operator flags for admission (`agent-governor operator --webhook-*`, webhooks/README.md): the
chart owns the webhook configurations; the operator serves them and keeps their TLS.
*/}}
{{- define "agent-governor.webhookArgs" -}}
{{- if .Values.webhook.enabled }}
- --webhook-port={{ .Values.webhook.port }}
- --webhook-registration=chart
- --webhook-service={{ include "agent-governor.webhookServiceName" . }}
{{- if .Values.webhook.certManager.enabled }}
- --webhook-cert-mode=cert-manager
- --webhook-cert-dir={{ include "agent-governor.webhookCertDir" . }}
{{- else }}
- --webhook-cert-mode=self-signed
{{- end }}
- --sidecar-image={{ include "agent-governor.sidecarImage" . }}
- --sidecar-image-pull-policy={{ default .Values.image.pullPolicy .Values.sidecar.image.pullPolicy }}
- --sidecar-operator-url={{ include "agent-governor.sidecarOperatorUrl" . }}
- --sidecar-port={{ .Values.sidecar.port }}
{{- if eq (int .Values.sidecar.port) (int .Values.sidecar.metricsPort) }}
{{- fail (printf "sidecar.metricsPort (%v) must differ from sidecar.port: the proxy listens on that port already" .Values.sidecar.metricsPort) }}
{{- end }}
- --sidecar-metrics-port={{ .Values.sidecar.metricsPort }}
{{- if not .Values.sidecar.nativeSidecar }}
- --no-native-sidecar
{{- end }}
- --sidecar-cpu-request={{ .Values.sidecar.resources.requests.cpu }}
- --sidecar-memory-request={{ .Values.sidecar.resources.requests.memory }}
{{- with .Values.sidecar.resources.limits.cpu }}
- --sidecar-cpu-limit={{ . }}
{{- end }}
- --sidecar-memory-limit={{ .Values.sidecar.resources.limits.memory }}
{{- else }}
- --no-webhooks
{{- end }}
{{- end -}}

{{/* Where cert-manager's Secret is mounted (the operator watches the files). */}}
{{- define "agent-governor.webhookCertDir" -}}
/var/run/agent-governor/webhook-tls
{{- end -}}

{{/* The injected sidecar's image: sidecar.image, else the operator's own (one image runs both). */}}
{{- define "agent-governor.sidecarImage" -}}
{{- if .Values.sidecar.image.repository -}}
{{- printf "%s:%s" .Values.sidecar.image.repository (default .Chart.AppVersion .Values.sidecar.image.tag) -}}
{{- else -}}
{{- include "agent-governor.image" . -}}
{{- end -}}
{{- end -}}

{{/* How injected sidecars reach the sidecar services: the Service, HTTPS when it has a certificate. */}}
{{- define "agent-governor.sidecarOperatorUrl" -}}
{{- printf "%s://%s.%s.svc:%v" (ternary "https" "http" (not (empty .Values.sidecarServices.tlsSecretName))) (include "agent-governor.fullname" .) .Release.Namespace .Values.sidecarServices.port -}}
{{- end -}}

{{/* ClusterRole rules the webhooks add. */}}
{{- define "agent-governor.webhookClusterRules" -}}
{{- if not .Values.webhook.certManager.enabled }}
# Self-signed mode: the operator keeps its CA bundle in the caBundle of the chart's two webhook
# configurations, and only those (by name): it watches them (a helm upgrade renders them without
# it) and sets it with a JSON patch.
- apiGroups: [admissionregistration.k8s.io]
  resources: [validatingwebhookconfigurations]
  resourceNames: [{{ include "agent-governor.validatingWebhookName" . }}]
  verbs: [get, list, watch, patch]
- apiGroups: [admissionregistration.k8s.io]
  resources: [mutatingwebhookconfigurations]
  resourceNames: [{{ include "agent-governor.mutatingWebhookName" . }}]
  verbs: [get, list, watch, patch]
{{- end }}
{{- end -}}

{{/* Role rules (release namespace) the webhooks add. */}}
{{- define "agent-governor.webhookNamespaceRules" -}}
{{- if not .Values.webhook.certManager.enabled }}
# Self-signed mode: the webhook TLS Secret holds the operator's CA and serving certificate. Every
# replica watches it and serves what it holds (get/list/watch by name); the first creates it (create
# cannot be limited to a name), rotations rewrite it (update). With cert-manager the operator reads
# the mounted files instead and needs no Secret access.
- apiGroups: [""]
  resources: [secrets]
  resourceNames: [{{ include "agent-governor.webhookSecretName" . }}]
  verbs: [get, list, watch, update]
- apiGroups: [""]
  resources: [secrets]
  verbs: [create]
{{- end }}
{{- end -}}

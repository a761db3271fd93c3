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
{{- if .Values.gateway.enabled }}
- --gateway-url=http://{{ include "agent-governor.fullname" . }}-gateway.{{ .Release.Namespace }}.svc:{{ .Values.gateway.port }}
{{- end }}
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
{{- with .Values.sidecar.otlpEndpoint }}
- --sidecar-otlp-endpoint={{ . }}
{{- end }}
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

{{/* How injected sidecars reach the sidecar services: the Service, HTTPS unless sidecarServices.insecurePlainHttp. */}}
{{- define "agent-governor.sidecarOperatorUrl" -}}
{{- $service := ternary (printf "%s-services" (include "agent-governor.fullname" .)) (include "agent-governor.fullname" .) .Values.services.enabled -}}
{{- printf "%s://%s.%s.svc:%v" (ternary "http" "https" .Values.sidecarServices.insecurePlainHttp) $service .Release.Namespace .Values.sidecarServices.port -}}
{{- end -}}

{{/* The operator flags of the sidecar services' TLS (cli/sidecar-services-flags.ts). */}}
{{- define "agent-governor.sidecarServicesTlsArgs" -}}
{{- $mode := .Values.sidecarServices.tls.mode }}
{{- if .Values.sidecarServices.insecurePlainHttp }}
- --sidecar-services-insecure-plain-http
{{- else if eq $mode "selfSigned" }}
- --sidecar-services-cert-mode=self-signed
{{- else if eq $mode "certManager" }}
- --sidecar-services-cert-mode=cert-manager
- --sidecar-services-cert-dir={{ include "agent-governor.sidecarServicesCertDir" . }}
{{- else if eq $mode "secret" }}
{{- if not .Values.sidecarServices.tls.secretName }}
{{- fail "sidecarServices.tls.mode secret needs sidecarServices.tls.secretName: a kubernetes.io/tls Secret with tls.crt, tls.key and ca.crt" }}
{{- end }}
- --sidecar-services-cert-mode=files
- --sidecar-services-cert-dir={{ include "agent-governor.sidecarServicesCertDir" . }}
{{- end }}
{{- end -}}

{{/* The Secret mounted for the sidecar services (certManager and secret modes); empty otherwise. */}}
{{- define "agent-governor.sidecarServicesSecretName" -}}
{{- if not .Values.sidecarServices.insecurePlainHttp -}}
{{- if eq .Values.sidecarServices.tls.mode "certManager" -}}
{{ include "agent-governor.fullname" . }}-sidecar-services-cert
{{- else if eq .Values.sidecarServices.tls.mode "secret" -}}
{{ .Values.sidecarServices.tls.secretName }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Where that Secret is mounted (the operator watches the files). */}}
{{- define "agent-governor.sidecarServicesCertDir" -}}
/var/run/agent-governor/sidecar-services-tls
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

{{/* Role rules (release namespace) the sidecar services add. */}}
{{- define "agent-governor.sidecarServicesNamespaceRules" -}}
{{- if and (not .Values.sidecarServices.insecurePlainHttp) (eq .Values.sidecarServices.tls.mode "selfSigned") }}
# Sidecar services, self-signed mode (the default): Secret agent-governor-sidecar-services-tls holds
# their own CA and serving certificate, kept and rotated like the webhook's (get/list/watch/update by
# name; create below or with the webhook's rules — it cannot be limited to a name).
- apiGroups: [""]
  resources: [secrets]
  resourceNames: [agent-governor-sidecar-services-tls]
  verbs: [get, list, watch, update]
{{- if not (and .Values.webhook.enabled (not .Values.webhook.certManager.enabled)) }}
- apiGroups: [""]
  resources: [secrets]
  verbs: [create]
{{- end }}
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

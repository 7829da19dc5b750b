{{- define "hostquery.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hostquery.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "hostquery.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "hostquery.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "hostquery.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hostquery.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "hostquery.labels" -}}
{{ include "hostquery.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "hostquery.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "hostquery.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "hostquery.tlsSecret" -}}
{{- if .Values.tls.certManager.enabled -}}
{{- printf "%s-tls" (include "hostquery.fullname" .) -}}
{{- else -}}
{{- .Values.tls.secretName -}}
{{- end -}}
{{- end -}}

{{/* "true" when listenAddress is a loopback address: the service then needs no TLS, and probes ask that address. */}}
{{- define "hostquery.loopback" -}}
{{- if or (eq .Values.listenAddress "127.0.0.1") (eq .Values.listenAddress "::1") -}}true{{- end -}}
{{- end -}}

{{/* Refuses values that the service would refuse at start, with the same advice. */}}
{{- define "hostquery.validate" -}}
{{- if and .Values.tls.enabled (not .Values.tls.secretName) (not .Values.tls.certManager.enabled) -}}
{{- fail "tls.enabled needs a certificate: set tls.secretName to a kubernetes.io/tls Secret, or tls.certManager.enabled=true with tls.certManager.issuerRef.name" -}}
{{- end -}}
{{- if and .Values.tls.certManager.enabled (not .Values.tls.certManager.issuerRef.name) -}}
{{- fail "tls.certManager.enabled needs tls.certManager.issuerRef.name" -}}
{{- end -}}
{{- if and .Values.tls.enabled (eq .Values.tls.clientAuth "required") -}}
{{- fail "tls.clientAuth=required would refuse kubelet's probes, which send no client certificate: use request (clients without a certificate still need a token)" -}}
{{- end -}}
{{- if not (include "hostquery.loopback" .) -}}
{{- if not .Values.tls.enabled -}}
{{- fail (printf "listenAddress %s is not loopback: set tls.enabled=true (hostquery refuses to serve off loopback without TLS)" .Values.listenAddress) -}}
{{- end -}}
{{- if not (or .Values.auth.kubernetes.enabled .Values.auth.tokensSecret .Values.auth.clientCertificates) -}}
{{- fail (printf "listenAddress %s is not loopback: enable auth.kubernetes, or set auth.tokensSecret or auth.clientCertificates" .Values.listenAddress) -}}
{{- end -}}
{{- end -}}
{{- end -}}

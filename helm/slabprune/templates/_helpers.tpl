{{/* The chart's name, or nameOverride. */}}
{{- define "slabprune.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The full name of the release's resources, at most 63 characters (DNS label). */}}
{{- define "slabprune.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "slabprune.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every resource. */}}
{{- define "slabprune.labels" -}}
helm.sh/chart: {{ include "slabprune.chart" . }}
{{ include "slabprune.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: slabprune
{{- end -}}

{{/* Labels that select the release's pods, of every component. */}}
{{- define "slabprune.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slabprune.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
The Deployments, one line each: "name api worker", where api and worker say whether that
Deployment serves the API and runs jobs. The values of a Deployment are .Values.<name>.
*/}}
{{- define "slabprune.components" -}}
{{- if .Values.split -}}
api true false
worker false true
{{- else -}}
server true true
{{- end -}}
{{- end -}}

{{/* The component whose pods serve the API behind the Service. */}}
{{- define "slabprune.apiComponent" -}}
{{- if .Values.split }}api{{ else }}server{{ end -}}
{{- end -}}

{{/* The component whose pods run the workers, scaled by the HorizontalPodAutoscaler. */}}
{{- define "slabprune.workerComponent" -}}
{{- if .Values.split }}worker{{ else }}server{{ end -}}
{{- end -}}

{{- define "slabprune.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "slabprune.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "slabprune.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret that holds the database credentials: the user's, or the chart's own. */}}
{{- define "slabprune.databaseSecretName" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecret -}}
{{- else -}}
{{- printf "%s-database" (include "slabprune.fullname" .) -}}
{{- end -}}
{{- end -}}

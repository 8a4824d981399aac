# Alerts, SLOs and dashboards (Cloud Monitoring) over what the functions export: OTLP metrics in
# Managed Service for Prometheus, queried with PromQL. The alert queries live in alerts.yaml,
# which the local checks read too (tests/deploy/test_observability.py, scripts/dev up's Prometheus).

terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

locals {
  doc    = yamldecode(file("${path.module}/alerts.yaml"))
  slo    = local.doc.slo
  api    = "\"http.route\"!=\"\""
  alerts = { for a in local.doc.alerts : a.name => merge(a, { query = replace(a.query, "$${api}", local.api) }) }
  # The SLOs count at Cloud Run's front door (its own request metrics), so a function that
  # crashes or times out before it can export anything still counts against the budget.
  api_services = "resource.type=\"cloud_run_revision\" resource.label.\"service_name\"=monitoring.regex.full_match(\"${join("|", sort(var.http_functions))}\")"
  panels       = local.doc.dashboard_panels
}

resource "google_monitoring_alert_policy" "alert" {
  for_each              = local.alerts
  project               = var.project_id
  display_name          = "[${var.environment}] ${each.value.display_name}"
  combiner              = "OR"
  severity              = each.value.severity
  notification_channels = var.notification_channels
  user_labels           = { env = var.environment }

  conditions {
    display_name = each.value.display_name
    condition_prometheus_query_language {
      query               = each.value.query
      duration            = each.value.duration
      evaluation_interval = "60s"
      # "If this field is not empty, then it must be a valid Prometheus label name" (provider
      # 6.50.0, google/services/monitoring/resource_monitoring_alert_policy.go, alert_rule):
      # alerts.yaml names are snake_case, and the precondition below keeps them so.
      alert_rule = each.key
      rule_group = "wellness"
      labels     = { severity = lower(each.value.severity) }
      # Monitoring refuses a PromQL condition on a metric it has never seen unless this is set
      # ("allows alerting policies to be defined on metrics that do not yet exist, improving
      # ... configuring alerting policies using Terraform", same file, disable_metric_validation).
      # On a first apply nothing has exported a point yet: every metric here is new.
      disable_metric_validation = true
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "${each.value.means}\n\n**First:** ${each.value.first_step}\n\nThe runbook: README.md, \"Operating it\"."
  }

  alert_strategy {
    auto_close = "1800s"
  }

  lifecycle {
    precondition {
      condition     = can(regex("^[a-zA-Z_][a-zA-Z0-9_]*$", each.key))
      error_message = "Alert ${each.key}: alert_rule must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*): rename it in alerts.yaml."
    }
  }
}

resource "google_monitoring_custom_service" "api" {
  project      = var.project_id
  service_id   = "wellness-api"
  display_name = "Wellness API (${var.environment})"
}

resource "google_monitoring_slo" "availability" {
  project             = var.project_id
  service             = google_monitoring_custom_service.api.service_id
  slo_id              = "availability"
  display_name        = "${local.slo.availability * 100} % of API requests answer without a 5xx"
  goal                = local.slo.availability
  rolling_period_days = local.slo.rolling_period_days

  request_based_sli {
    good_total_ratio {
      total_service_filter = "metric.type=\"run.googleapis.com/request_count\" ${local.api_services}"
      bad_service_filter   = "metric.type=\"run.googleapis.com/request_count\" ${local.api_services} metric.label.\"response_code_class\"=\"5xx\""
    }
  }
}

resource "google_monitoring_slo" "latency" {
  project             = var.project_id
  service             = google_monitoring_custom_service.api.service_id
  slo_id              = "latency"
  display_name        = "${local.slo.latency_target * 100} % of API requests answer within ${local.slo.latency_threshold_seconds * 1000} ms"
  goal                = local.slo.latency_target
  rolling_period_days = local.slo.rolling_period_days

  request_based_sli {
    distribution_cut {
      distribution_filter = "metric.type=\"run.googleapis.com/request_latencies\" ${local.api_services}"
      range {
        max = local.slo.latency_threshold_seconds * 1000 # request_latencies is in milliseconds
      }
    }
  }
}

# The golden signals of each domain: traffic, errors, latency, saturation, and its events.
resource "google_monitoring_dashboard" "domain" {
  for_each = var.domain_functions
  project  = var.project_id
  dashboard_json = jsonencode({
    displayName = "Wellness ${var.environment}: ${each.key}"
    mosaicLayout = {
      columns = 12
      tiles = [
        for i, panel in local.panels : {
          xPos   = (i % 2) * 6
          yPos   = floor(i / 2) * 4
          width  = 6
          height = 4
          widget = {
            title = panel.title
            xyChart = {
              dataSets = [{
                plotType = "LINE"
                timeSeriesQuery = {
                  prometheusQuery = replace(panel.query, "$${jobs}", join("|", sort(each.value)))
                }
              }]
            }
          }
        }
      ]
    }
  })
}

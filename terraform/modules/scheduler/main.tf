# Cloud Scheduler jobs for the catalog's `job` functions (the outbox relay): POST with an
# OIDC token of the scheduler's service account, the only invoker of those functions.
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "region" { type = string }
variable "service_account_email" { type = string }
variable "jobs" {
  type        = map(object({ schedule = string, url = string }))
  description = "Function name => its cron schedule and URL."
}

resource "google_cloud_scheduler_job" "job" {
  for_each  = var.jobs
  project   = var.project_id
  region    = var.region
  name      = each.key
  schedule  = each.value.schedule
  time_zone = "Etc/UTC"

  retry_config {
    retry_count = 0 # the next tick is the retry
  }

  http_target {
    http_method = "POST"
    uri         = each.value.url
    body        = base64encode("{}")
    headers     = { "Content-Type" = "application/json" }
    oidc_token {
      service_account_email = var.service_account_email
      audience              = each.value.url
    }
  }
}

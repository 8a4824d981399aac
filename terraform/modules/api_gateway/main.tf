# API Gateway from the rendered contracts/openapi.yaml (google-beta only).
#
# API configs are immutable: each is keyed by the hash of its rendered document, created
# before the one it replaces is destroyed, with an id prefix so names never collide. Two
# gateways: `candidate` always serves the newest config (the deploy's smoke tests go
# through it); `live`, the one the app calls, serves `live_config` and moves to the
# candidate only when the deploy promotes it. A config stays while a gateway uses it.

terraform {
  required_providers {
    google-beta = { source = "hashicorp/google-beta" }
  }
}

locals {
  candidate = substr(sha256(var.openapi_document), 0, 12)
  live      = var.live_config == "" ? local.candidate : var.live_config
  # The live config already exists (ignore_changes keeps its document); only a new key is created.
  configs = toset(distinct([local.live, local.candidate]))
}

resource "google_api_gateway_api" "api" {
  provider = google-beta
  project  = var.project_id
  api_id   = var.api_id
}

resource "google_api_gateway_api_config" "config" {
  provider             = google-beta
  for_each             = local.configs
  project              = var.project_id
  api                  = google_api_gateway_api.api.api_id
  api_config_id_prefix = "${var.api_id}-${each.key}-"

  openapi_documents {
    document {
      path     = "openapi.yaml"
      contents = base64encode(var.openapi_document)
    }
  }

  gateway_config {
    backend_config {
      google_service_account = var.gateway_service_account_email
    }
  }

  lifecycle {
    create_before_destroy = true
    ignore_changes        = [openapi_documents]
  }
}

resource "google_api_gateway_gateway" "live" {
  provider   = google-beta
  project    = var.project_id
  region     = var.region
  gateway_id = "${var.api_id}-live"
  api_config = google_api_gateway_api_config.config[local.live].id
}

resource "google_api_gateway_gateway" "candidate" {
  provider   = google-beta
  project    = var.project_id
  region     = var.region
  gateway_id = "${var.api_id}-candidate"
  api_config = google_api_gateway_api_config.config[local.candidate].id
}

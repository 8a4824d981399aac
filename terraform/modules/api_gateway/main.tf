# API Gateway from the rendered contracts/openapi.yaml (google-beta only).
#
# Two documents a release: `candidate` sends every route to its function's tag URL (the new
# revisions, at 0 % of traffic), `release` to the service URLs (whatever revision is live).
# Both hold only deterministic URLs, so their hashes, the configs' keys, are known at plan time.
#
# API configs are immutable: each is keyed by its document's hash, created before the one it
# replaces is destroyed, with an id prefix so names never collide. Two gateways: `candidate`
# serves the candidate document (the deploy's smoke test goes through it); `live`, the one the
# app calls, serves `live_config` (the release record's) and moves to this release's `release`
# config only when the deploy promotes it. A config stays while a gateway uses it.

terraform {
  required_providers {
    google-beta = { source = "hashicorp/google-beta" }
  }
}

locals {
  candidate_key = substr(sha256(var.candidate_document), 0, 12)
  release_key   = substr(sha256(var.release_document), 0, 12)
  live_key      = var.live_config == "" ? local.release_key : var.live_config
  # The live config already exists when it is not this release's (ignore_changes keeps the
  # document it was created with); only new keys are created.
  documents = merge(
    { (local.live_key) = var.release_document },
    { (local.release_key) = var.release_document },
    { (local.candidate_key) = var.candidate_document },
  )
}

resource "google_api_gateway_api" "api" {
  provider = google-beta
  project  = var.project_id
  api_id   = var.api_id
}

resource "google_api_gateway_api_config" "config" {
  provider             = google-beta
  for_each             = local.documents
  project              = var.project_id
  api                  = google_api_gateway_api.api.api_id
  api_config_id_prefix = "${var.api_id}-${each.key}-"

  openapi_documents {
    document {
      path     = "openapi.yaml"
      contents = base64encode(each.value)
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
  api_config = google_api_gateway_api_config.config[local.live_key].id
}

resource "google_api_gateway_gateway" "candidate" {
  provider   = google-beta
  project    = var.project_id
  region     = var.region
  gateway_id = "${var.api_id}-candidate"
  api_config = google_api_gateway_api_config.config[local.candidate_key].id
}

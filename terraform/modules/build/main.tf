# What building a function's image needs: the Artifact Registry repository the images go to
# (tagged by bundle hash; old ones cleaned up) and the service account Cloud Build runs as,
# with the Cloud Run Builder role (roles/run.builder, Google's documented role for a function
# build account) and write access to this repository only.
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "region" { type = string }
variable "repository_id" {
  type    = string
  default = "functions"
}
variable "keep_versions" {
  type        = number
  default     = 10
  description = "Images kept per function whatever their age (a rollback or a live revision needs its image to scale)."
}

resource "google_service_account" "builder" {
  project      = var.project_id
  account_id   = "function-builder"
  display_name = "Cloud Build: function images"
}

resource "google_project_iam_member" "builder" {
  for_each = toset(["roles/run.builder", "roles/logging.logWriter"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.builder.email}"
}

resource "google_artifact_registry_repository" "functions" {
  #checkov:skip=CKV_GCP_84:images hold no secret and no data; Google-managed encryption, as for the bundles they are built from
  project                = var.project_id
  location               = var.region
  repository_id          = var.repository_id
  format                 = "DOCKER"
  description            = "Function images, tagged by bundle content hash"
  cleanup_policy_dry_run = false

  docker_config {
    immutable_tags = true # a tag is a bundle hash: it always names the same image
  }

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.keep_versions
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "7776000s" # 90 days; keep-recent wins over it
    }
  }
}

resource "google_artifact_registry_repository_iam_member" "builder" {
  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.builder.email}"
}

output "image_repository" {
  value = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.functions.repository_id}"
}
output "service_account_email" { value = google_service_account.builder.email }
output "member" { value = "serviceAccount:${google_service_account.builder.email}" }
output "ready" {
  value       = concat([for m in google_project_iam_member.builder : m.id], [google_artifact_registry_repository_iam_member.builder.id])
  description = "The build account's grants: builds wait for them."
}

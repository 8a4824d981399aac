# The bucket holding the functions' source bundles (objects named by content hash), read by
# Cloud Build when it builds a function's image.
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "region" { type = string }
variable "name" { type = string }
variable "force_destroy" {
  type        = bool
  description = "Let a destroy delete the bundles with the bucket (qa); otherwise a destroy stops at a bucket with objects."
}
variable "readers" {
  type        = list(string)
  default     = []
  description = "Members that read the bundles (the build service account)."
}

resource "google_storage_bucket" "source" {
  #checkov:skip=CKV_GCP_62:usage logs need the cloud-storage-analytics@google.com group as a writer on the log bucket, which Domain Restricted Sharing (the default organisation policy since 2024-05) refuses; Cloud Audit Logs record who changed the bucket
  project                     = var.project_id
  name                        = var.name
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy # the bundles are rebuilt bit for bit by scripts/package
  versioning {
    enabled = true
  }
  lifecycle_rule {
    # Old bundles are only needed to rebuild an image Artifact Registry no longer has.
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket_iam_member" "readers" {
  for_each = toset(var.readers)
  bucket   = google_storage_bucket.source.name
  role     = "roles/storage.objectViewer"
  member   = each.value
}

output "name" { value = google_storage_bucket.source.name }

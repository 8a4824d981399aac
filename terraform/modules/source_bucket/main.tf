# The bucket holding the functions' source bundles (objects named by content hash).
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "region" { type = string }
variable "name" { type = string }
variable "log_bucket" {
  type        = string
  description = "Where access logs go (the state bucket)."
}

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = var.name
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  versioning {
    enabled = true
  }
  logging {
    log_bucket = var.log_bucket
  }
  lifecycle_rule {
    # Old bundles are only needed for a rollback: keep 90 days of them.
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }
}

output "name" { value = google_storage_bucket.source.name }

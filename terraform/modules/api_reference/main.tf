# The API reference of an environment (scripts/api-reference: one static HTML page, Swagger UI on
# the contract, naming the live gateway), published by the deploy after each promotion. Private:
# readers open it signed in, at storage.cloud.google.com (the authenticated browser download).
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "region" { type = string }
variable "name" { type = string }
variable "readers" {
  type        = list(string)
  default     = []
  description = "Members that read the reference (e.g. group:mobile-developers@example.com)."
}

resource "google_storage_bucket" "reference" {
  #checkov:skip=CKV_GCP_62:usage logs need the cloud-storage-analytics@google.com group as a writer on the log bucket, which Domain Restricted Sharing (the default organisation policy since 2024-05) refuses; Cloud Audit Logs record who changed the bucket
  project                     = var.project_id
  name                        = var.name
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true # only generated pages live here; every deploy writes them again
  versioning {
    enabled = true
  }
  lifecycle_rule {
    # The pages of the last few releases are enough to compare with.
    condition {
      num_newer_versions = 5
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket_iam_member" "readers" {
  for_each = toset(var.readers)
  bucket   = google_storage_bucket.reference.name
  role     = "roles/storage.objectViewer"
  member   = each.value
}

output "name" { value = google_storage_bucket.reference.name }
output "url" {
  value       = "https://storage.cloud.google.com/${google_storage_bucket.reference.name}/index.html"
  description = "The reference, for a signed-in reader."
}

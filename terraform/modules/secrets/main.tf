# Secret Manager secrets: the names the catalog's functions read (JWT signing keys, the
# Mailjet key, ...) plus the database's built-in admin password. Values are added out of
# band (`gcloud secrets versions add`, see terraform/README.md) so they never sit in state.
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "secret_names" { type = set(string) }
variable "labels" {
  type    = map(string)
  default = {}
}

resource "google_secret_manager_secret" "secret" {
  for_each  = var.secret_names
  project   = var.project_id
  secret_id = each.value
  labels    = var.labels
  replication {
    auto {}
  }
}

output "ids" { value = { for k, s in google_secret_manager_secret.secret : k => s.secret_id } }

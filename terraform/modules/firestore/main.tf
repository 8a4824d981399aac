# The Firestore (native mode) database and the composite indexes the domains declare in
# terraform/firestore-indexes.yaml.
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "location" { type = string }
variable "deletion_protection" { type = bool }
variable "indexes" {
  type = list(object({
    collection = string
    fields     = list(object({ path = string, order = string }))
  }))
  default = []
}

variable "ttl_fields" {
  type        = list(object({ collection = string, field = string }))
  default     = []
  description = "Timestamp fields whose passing deletes their document (Firestore TTL policies)."
}

resource "google_firestore_database" "db" {
  project                           = var.project_id
  name                              = "(default)"
  location_id                       = var.location
  type                              = "FIRESTORE_NATIVE"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = var.deletion_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  # The provider's default is ABANDON: "removed from Terraform state but not deleted from Google
  # Cloud upon destruction" (provider 6.50.0, google/services/firestore/resource_firestore_database.go),
  # and the next apply would then fail to create a (default) that still exists. Unprotected (qa):
  # a destroy deletes it. Protected (prod): a destroy leaves the data where it is.
  deletion_policy = var.deletion_protection ? "ABANDON" : "DELETE"
}

resource "google_firestore_index" "index" {
  for_each   = { for i in var.indexes : "${i.collection}:${join(",", [for f in i.fields : "${f.path}-${f.order}"])}" => i }
  project    = var.project_id
  database   = google_firestore_database.db.name
  collection = each.value.collection
  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path = fields.value.path
      order      = fields.value.order
    }
  }
}

# No index_config: the field keeps its automatic single-field indexes (the relay's purge queries them).
resource "google_firestore_field" "ttl" {
  for_each   = { for t in var.ttl_fields : "${t.collection}:${t.field}" => t }
  project    = var.project_id
  database   = google_firestore_database.db.name
  collection = each.value.collection
  field      = each.value.field
  ttl_config {}
}

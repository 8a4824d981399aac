# Cloud SQL for PostgreSQL. Functions connect through the Cloud SQL Python connector with
# IAM database authentication: each Postgres function's service account is a database
# user, so no password is handed to any function.
#
# IAM database users start with no privileges (and PostgreSQL 15+ gives nobody CREATE on
# `public`): the migration job's user is given the schema once (terraform/README.md,
# bootstrap), creates the tables, and grants each runtime user the tables of its domain
# (terraform/README.md, "Database rights").
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "region" { type = string }
variable "name" {
  type        = string
  description = "The instance name's prefix: the instance is NAME-<creation time> (see terraform_data.instance_name)."
}
variable "tier" {
  type        = string
  description = "A db-custom-CPUS-MIB tier: ENTERPRISE edition (set below) accepts those; ENTERPRISE_PLUS refuses them."
}
variable "edition" {
  type    = string
  default = "ENTERPRISE"
  validation {
    condition     = contains(["ENTERPRISE", "ENTERPRISE_PLUS"], var.edition)
    error_message = "edition is ENTERPRISE or ENTERPRISE_PLUS."
  }
}
variable "availability_type" {
  type        = string
  description = "ZONAL (qa) or REGIONAL (prod: a standby in another zone, twice the price)."
}
variable "max_connections" { type = number }
variable "deletion_protection" { type = bool }
variable "database_name" { type = string }
variable "iam_users" {
  type        = map(string)
  description = "Function name => the email of its service account, which logs in with IAM auth (the Postgres functions and the migration job). Pass the google_service_account's email so each user waits for its account."
}

# A name of its own for every creation of the instance, fixed in state. Cloud SQL's page on
# deleting instances now says "the deleted instance name can be reused immediately"
# (https://cloud.google.com/sql/docs/postgres/delete-instance), but it long said a name stays
# taken for up to a week, and re-creating under the old name is reported to fail with 409
# (hashicorp/terraform#4557): qa's destroy-then-apply between test campaigns must not depend on
# which is true today. The creation time comes from plantimestamp(), and ignore_changes keeps the
# first one: later plans keep the name, and a destroy removes it with the instance. (No random
# provider: only google and google-beta are pinned.)
resource "terraform_data" "instance_name" {
  input = "${var.name}-${formatdate("YYYYMMDDhhmmss", plantimestamp())}"
  lifecycle {
    ignore_changes = [input]
  }
}

resource "google_sql_database_instance" "db" {
  #checkov:skip=CKV_GCP_6:require_ssl is gone from provider 6; ssl_mode = ENCRYPTED_ONLY below is its replacement
  #checkov:skip=CKV_GCP_60:no authorized networks; only the Cloud SQL connector (IAM-checked TLS) reaches the public IP, and private IP would need a VPC connector per function
  #checkov:skip=CKV_GCP_79:PostgreSQL 16 on purpose: the local stack and the tests run 16 (pgserver), so prod runs what was tested
  project             = var.project_id
  region              = var.region
  name                = terraform_data.instance_name.output
  database_version    = "POSTGRES_16"
  deletion_protection = var.deletion_protection

  settings {
    # PostgreSQL 16 defaults to ENTERPRISE_PLUS, which refuses db-custom-* tiers: say which.
    edition           = var.edition
    tier              = var.tier
    availability_type = var.availability_type
    ip_configuration {
      # The connector reaches the instance over TLS with IAM-checked certificates; no
      # network is authorized, so nothing else can connect.
      ipv4_enabled = true
      ssl_mode     = "ENCRYPTED_ONLY"
    }
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }
    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }
    database_flags {
      name  = "max_connections"
      value = tostring(var.max_connections)
    }
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_min_messages"
      value = "error"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "cloudsql.enable_pgaudit"
      value = "on"
    }
    database_flags {
      name  = "log_hostname"
      value = "on"
    }
    database_flags {
      name  = "log_duration"
      value = "on"
    }
    database_flags {
      name  = "log_statement"
      value = "ddl"
    }
  }

  lifecycle {
    precondition {
      condition     = var.edition == "ENTERPRISE" || !startswith(var.tier, "db-custom-")
      error_message = "ENTERPRISE_PLUS refuses db-custom-* tiers: use a db-perf-optimized-* tier or edition ENTERPRISE."
    }
  }
}

resource "google_sql_database" "app" {
  project  = var.project_id
  instance = google_sql_database_instance.db.name
  name     = var.database_name
  # "ABANDON ... is useful for Postgres, where databases cannot be deleted from the API if there
  # are users other than cloudsqlsuperuser with access" (provider 6.50.0,
  # google/services/sql/resource_sql_database.go, deletion_policy): the IAM users hold grants,
  # so a destroy would stop here. Destroying the instance deletes the database with it.
  deletion_policy = "ABANDON"
}

resource "google_sql_user" "iam" {
  for_each = var.iam_users
  project  = var.project_id
  instance = google_sql_database_instance.db.name
  # Cloud SQL names an IAM service-account user by its email without the domain suffix.
  # each.value is the service account resource's email: the user is created after the account
  # exists (Cloud SQL refuses a user for an account it cannot find).
  name = trimsuffix(each.value, ".gserviceaccount.com")
  type = "CLOUD_IAM_SERVICE_ACCOUNT"
  # Cloud SQL cannot delete a PostgreSQL user that still holds grants, and the migration job
  # (which revokes them) runs after the apply that removes a function. So a removed function's
  # user is left in the database: its service account is gone, so it cannot log in, and the
  # next migration run revokes all it held (terraform/README.md, "Database rights").
  deletion_policy = "ABANDON"
}

output "connection_name" { value = google_sql_database_instance.db.connection_name }
output "instance_name" {
  value       = terraform_data.instance_name.output
  description = "Known as soon as it is chosen (before the instance exists): the functions' CLOUD_SQL_INSTANCE does not wait for Cloud SQL."
}
output "users" { value = { for k, u in google_sql_user.iam : k => u.name } }
output "database_name" { value = google_sql_database.app.name }

# Cloud SQL for PostgreSQL. Functions connect through the Cloud SQL Python connector with
# IAM database authentication: each Postgres function's service account is a database
# user, so no password is handed to any function.
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "region" { type = string }
variable "name" { type = string }
variable "tier" { type = string }
variable "max_connections" { type = number }
variable "deletion_protection" { type = bool }
variable "database_name" { type = string }
variable "iam_users" {
  type        = set(string)
  description = "Service account emails that log in with IAM auth (the Postgres functions and the migration job)."
}

resource "google_sql_database_instance" "db" {
  #checkov:skip=CKV_GCP_6:require_ssl is gone from provider 6; ssl_mode = ENCRYPTED_ONLY below is its replacement
  #checkov:skip=CKV_GCP_60:no authorized networks; only the Cloud SQL connector (IAM-checked TLS) reaches the public IP, and private IP would need a VPC connector per function
  #checkov:skip=CKV_GCP_79:PostgreSQL 16 on purpose: the local stack and the tests run 16 (pgserver), so prod runs what was tested
  project             = var.project_id
  region              = var.region
  name                = var.name
  database_version    = "POSTGRES_16"
  deletion_protection = var.deletion_protection

  settings {
    tier              = var.tier
    availability_type = "REGIONAL"
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
}

resource "google_sql_database" "app" {
  project  = var.project_id
  instance = google_sql_database_instance.db.name
  name     = var.database_name
}

resource "google_sql_user" "iam" {
  for_each = var.iam_users
  project  = var.project_id
  instance = google_sql_database_instance.db.name
  # Cloud SQL names an IAM service-account user by its email without the domain suffix.
  name = trimsuffix(each.value, ".gserviceaccount.com")
  type = "CLOUD_IAM_SERVICE_ACCOUNT"
}

output "connection_name" { value = google_sql_database_instance.db.connection_name }
output "database_name" { value = google_sql_database.app.name }

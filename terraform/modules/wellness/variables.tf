variable "project_id" { type = string }
variable "region" { type = string }
variable "environment" {
  type = string
  validation {
    condition     = contains(["qa", "prod"], var.environment)
    error_message = "environment is qa or prod."
  }
}
variable "repo_root" {
  type        = string
  description = "The repository root: the catalog and contracts are read from it."
}
variable "bundle_dir" {
  type        = string
  description = "Where scripts/package wrote the zips (dist/bundles.json sets it)."
}
variable "bundles" {
  type        = map(string)
  description = "Function name => bundle zip name (dist/bundles.json sets it)."
}
variable "jwt_issuer" { type = string }
variable "jwt_audience" { type = string }
variable "extra_secrets" {
  type        = list(string)
  default     = []
  description = "Secrets no catalog function reads yet but the platform needs."
}
variable "db_tier" { type = string }
variable "db_max_connections" { type = number }
variable "db_pool_size" {
  type    = number
  default = 2
}
variable "db_reserved_connections" {
  type        = number
  default     = 3
  description = "Connections Cloud SQL keeps for superusers and maintenance."
}
variable "firestore_location" { type = string }
variable "deletion_protection" {
  type    = bool
  default = true
}
variable "log_bucket" {
  type        = string
  description = "Bucket for the source bucket's access logs."
}
variable "deployer_member" {
  type        = string
  description = "The deploy workflow's identity (serviceAccount:...), the only invoker of the migration job."
}
variable "live_api_config" {
  type        = string
  default     = ""
  description = "API config key the live gateway serves (the deploy's release record sets it)."
}

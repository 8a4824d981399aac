# Alembic migrations as a private job function (the db-migrate bundle). The deploy
# workflow applies this module first, calls the function with the deployer's identity
# token, and only then applies the rest: the schema is migrated before new functions
# take traffic. Migrations are expand/contract, so the running functions keep working.
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "region" { type = string }
variable "source_bucket" { type = string }
variable "bundle_dir" { type = string }
variable "name" { type = string }
variable "bundle" { type = string }
variable "memory" { type = string }
variable "timeout" { type = number }
variable "max_instances" { type = number }
variable "environment" { type = map(string) }
variable "invoker" {
  type        = string
  description = "The deployer's member string: the only caller of the migration job."
}

module "function" {
  source        = "../http_function"
  project_id    = var.project_id
  region        = var.region
  name          = var.name
  source_bucket = var.source_bucket
  bundle_dir    = var.bundle_dir
  bundle        = var.bundle
  memory        = var.memory
  timeout       = var.timeout
  max_instances = var.max_instances
  ingress       = "ALLOW_ALL" # called from the CI runner; IAM (run.invoker) is the gate
  environment   = var.environment
  project_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/logging.logWriter"]
  invokers      = [var.invoker]
}

output "url" { value = module.function.url }
output "service_account_email" { value = module.function.service_account_email }

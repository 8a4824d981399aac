# This file is the same in every environment (a test checks): only terraform.tfvars and
# backend.hcl differ. The bundles come from scripts/package (-var-file=../../../dist/bundles.json).

provider "google" {
  project = var.project_id
  region  = var.region
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
}

module "wellness" {
  source              = "../../modules/wellness"
  project_id          = var.project_id
  region              = var.region
  environment         = var.environment
  repo_root           = "${path.root}/../../.."
  bundle_dir          = var.bundle_dir
  bundles             = var.bundles
  jwt_issuer          = var.jwt_issuer
  jwt_audience        = var.jwt_audience
  extra_secrets       = var.extra_secrets
  db_tier             = var.db_tier
  db_max_connections  = var.db_max_connections
  db_pool_size        = var.db_pool_size
  firestore_location  = var.firestore_location
  deletion_protection = var.deletion_protection
  log_bucket          = var.log_bucket
  deployer_member     = var.deployer_member
  live_api_config     = var.live_api_config
}

output "gateway_url" { value = module.wellness.gateway_url }
output "candidate_gateway_url" { value = module.wellness.candidate_gateway_url }
output "candidate_api_config" { value = module.wellness.candidate_api_config }
output "migrate_url" { value = module.wellness.migrate_url }
output "connection_budget" { value = module.wellness.connection_budget }

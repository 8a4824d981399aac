# This file is the same in every environment (a test checks): only terraform.tfvars and
# backend.hcl differ. The bundles come from scripts/package (-var-file=../../../dist/bundles.json),
# the live revisions and API config from the release record (-var-file=release.tfvars.json).

provider "google" {
  project = var.project_id
  region  = var.region
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
}

module "wellness" {
  source                = "../../modules/wellness"
  project_id            = var.project_id
  region                = var.region
  environment           = var.environment
  repo_root             = "${path.root}/../../.."
  bundle_dir            = var.bundle_dir
  bundles               = var.bundles
  jwt_issuer            = var.jwt_issuer
  jwt_audience          = var.jwt_audience
  mail_from             = var.mail_from
  password_reset_url    = var.password_reset_url
  extra_secrets         = var.extra_secrets
  db_tier               = var.db_tier
  db_edition            = var.db_edition
  db_availability_type  = var.db_availability_type
  db_max_connections    = var.db_max_connections
  db_pool_size          = var.db_pool_size
  firestore_location    = var.firestore_location
  deletion_protection   = var.deletion_protection
  warm_min_instances    = var.warm_min_instances
  deployer_member       = var.deployer_member
  live_api_config       = var.live_api_config
  live_revisions        = var.live_revisions
  candidate_percent     = var.candidate_percent
  notification_channels = var.notification_channels
  reference_readers     = var.reference_readers
}

output "project_id" { value = var.project_id }
output "gateway_url" { value = module.wellness.gateway_url }
output "candidate_gateway_url" { value = module.wellness.candidate_gateway_url }
output "live_api_config" { value = module.wellness.live_api_config }
output "release_api_config" { value = module.wellness.release_api_config }
output "candidate_revisions" { value = module.wellness.candidate_revisions }
output "migrate_url" { value = module.wellness.migrate_url }
output "db_users" { value = module.wellness.db_users }
output "db_bootstrap" { value = module.wellness.db_bootstrap }
output "connection_budget" { value = module.wellness.connection_budget }
output "api_reference_bucket" { value = module.wellness.api_reference_bucket }
output "api_reference_url" { value = module.wellness.api_reference_url }

# The whole backend for one environment. envs/qa and envs/prod call this module with
# nothing but different variables.

terraform {
  required_providers {
    google      = { source = "hashicorp/google" }
    google-beta = { source = "hashicorp/google-beta" }
  }
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "terraform_data" "connection_budget" {
  input = local.connection_budget
  lifecycle {
    precondition {
      condition     = local.connection_budget < var.db_max_connections
      error_message = "Connection budget ${local.connection_budget} (sum of max instances x pool size, plus reserve) must stay below max_connections ${var.db_max_connections}."
    }
  }
}

resource "google_service_account" "gateway" {
  project      = var.project_id
  account_id   = "api-gateway"
  display_name = "API Gateway backend caller"
}

resource "google_service_account" "push" {
  project      = var.project_id
  account_id   = "pubsub-push"
  display_name = "Pub/Sub push to subscriber functions"
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "scheduler"
  display_name = "Cloud Scheduler caller of job functions"
}

# The Pub/Sub service agent mints the push requests' OIDC tokens as the push account.
resource "google_service_account_iam_member" "push_token_creator" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

module "source_bucket" {
  source     = "../source_bucket"
  project_id = var.project_id
  region     = var.region
  name       = "${var.project_id}-function-sources"
  log_bucket = var.log_bucket
}

module "secrets" {
  source       = "../secrets"
  project_id   = var.project_id
  secret_names = local.secret_names
  labels       = { env = var.environment }
}

module "topics" {
  source     = "../topics"
  project_id = var.project_id
  topics     = local.topics
}

module "cloud_sql" {
  source              = "../cloud_sql"
  project_id          = var.project_id
  region              = var.region
  name                = "wellness-${var.environment}"
  tier                = var.db_tier
  max_connections     = var.db_max_connections
  deletion_protection = var.deletion_protection
  database_name       = "wellness"
  iam_users           = toset([for k in local.postgres_functions : local.sa_email[k]])
}

module "firestore" {
  source              = "../firestore"
  project_id          = var.project_id
  location            = var.firestore_location
  deletion_protection = var.deletion_protection
  indexes             = local.firestore_idx.indexes
}

locals {
  common_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    APP_ENV              = var.environment
    JWT_ISSUER           = var.jwt_issuer
    JWT_AUDIENCE         = var.jwt_audience
  }
  postgres_env = {
    CLOUD_SQL_INSTANCE = module.cloud_sql.connection_name
    DB_NAME            = module.cloud_sql.database_name
    DB_POOL_SIZE       = tostring(var.db_pool_size)
  }
  env = {
    for k, f in local.functions : k => merge(
      local.common_env,
      contains(f.stores, "postgres") ? merge(local.postgres_env, { DB_USER = trimsuffix(local.sa_email[k], ".gserviceaccount.com") }) : {},
    )
  }
  publish_topics = { for k, f in local.functions : k => contains(f.stores, "pubsub") ? module.topics.names : {} }
  secret_ids     = { for k, f in local.functions : k => { for s in f.secrets : s => module.secrets.ids[s] } }
}

module "migrations" {
  source        = "../migrations"
  project_id    = var.project_id
  region        = var.region
  source_bucket = module.source_bucket.name
  bundle_dir    = var.bundle_dir
  name          = local.release_job
  bundle        = var.bundles[local.release_job]
  memory        = local.functions[local.release_job].memory
  timeout       = local.functions[local.release_job].timeout
  max_instances = local.functions[local.release_job].max_instances
  environment   = local.env[local.release_job]
  invoker       = var.deployer_member
}

module "http_function" {
  source         = "../http_function"
  for_each       = merge(local.http_functions, local.job_functions)
  project_id     = var.project_id
  region         = var.region
  name           = each.key
  source_bucket  = module.source_bucket.name
  bundle_dir     = var.bundle_dir
  bundle         = var.bundles[each.key]
  memory         = each.value.memory
  timeout        = each.value.timeout
  max_instances  = each.value.max_instances
  ingress        = "ALLOW_ALL" # the gateway and Cloud Scheduler call from outside the project's network; IAM gates
  environment    = local.env[each.key]
  project_roles  = local.project_roles[each.key]
  secret_ids     = local.secret_ids[each.key]
  publish_topics = local.publish_topics[each.key]
  invokers = concat(
    each.value.kind == "http" ? ["serviceAccount:${google_service_account.gateway.email}"] : ["serviceAccount:${google_service_account.scheduler.email}"],
    each.key == local.jwks_function ? ["allUsers"] : [],
  )
  depends_on = [module.migrations, terraform_data.connection_budget]
}

module "subscriber_function" {
  source                     = "../subscriber_function"
  for_each                   = local.subscriptions
  project_id                 = var.project_id
  project_number             = data.google_project.this.number
  region                     = var.region
  name                       = each.value.function
  source_bucket              = module.source_bucket.name
  bundle_dir                 = var.bundle_dir
  bundle                     = var.bundles[each.value.function]
  memory                     = local.functions[each.value.function].memory
  timeout                    = local.functions[each.value.function].timeout
  max_instances              = local.functions[each.value.function].max_instances
  environment                = local.env[each.value.function]
  project_roles              = local.project_roles[each.value.function]
  secret_ids                 = local.secret_ids[each.value.function]
  publish_topics             = local.publish_topics[each.value.function]
  topic_id                   = module.topics.ids[each.value.topic]
  push_service_account_email = google_service_account.push.email
  subscription = {
    name                    = each.key
    ack_deadline_seconds    = each.value.ack_deadline_seconds
    max_delivery_attempts   = each.value.max_delivery_attempts
    minimum_backoff_seconds = each.value.minimum_backoff_seconds
    maximum_backoff_seconds = each.value.maximum_backoff_seconds
    message_retention       = each.value.message_retention
  }
  depends_on = [module.migrations, terraform_data.connection_budget]
}

module "scheduler" {
  source                = "../scheduler"
  project_id            = var.project_id
  region                = var.region
  service_account_email = google_service_account.scheduler.email
  jobs                  = { for k, f in local.job_functions : k => { schedule = f.schedule, url = module.http_function[k].url } }
}

module "api_gateway" {
  source                        = "../api_gateway"
  project_id                    = var.project_id
  region                        = var.region
  api_id                        = "wellness-${var.environment}"
  gateway_service_account_email = google_service_account.gateway.email
  live_config                   = var.live_api_config
  openapi_document = templatefile("${var.repo_root}/contracts/openapi.yaml", merge(
    { for k, f in local.http_functions : "backend_${replace(k, "-", "_")}" => module.http_function[k].url },
    { jwt_issuer = var.jwt_issuer, jwt_audience = var.jwt_audience },
  ))
}

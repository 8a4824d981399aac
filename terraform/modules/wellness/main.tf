# The whole backend for one environment. envs/qa and envs/prod call this module with
# nothing but different variables.
#
# A release is two applies (terraform/README.md, .github/workflows/deploy.yml):
#   1. live_revisions / live_api_config from the release record: every changed function gets a
#      new revision tagged `candidate` at 0 % of traffic, the candidate gateway serves a config
#      pointing at those tag URLs, the live gateway and every user stay where they were;
#   2. after the migration and the smoke test, the same apply with live_revisions =
#      candidate_revisions and live_api_config = release_api_config moves traffic, then the
#      live gateway.

terraform {
  required_providers {
    google      = { source = "hashicorp/google" }
    google-beta = { source = "hashicorp/google-beta" }
  }
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  project_number = data.google_project.this.number
  base_image     = var.base_image != "" ? var.base_image : "${var.region}-docker.pkg.dev/serverless-runtimes/google-22/runtimes/python311"
  sql_instance   = "wellness-${var.environment}" # the prefix: modules/cloud_sql adds the creation time
}

resource "terraform_data" "connection_budget" {
  input = local.connection_budget
  lifecycle {
    precondition {
      condition     = local.connection_budget < var.db_max_connections
      error_message = "Connection budget ${local.connection_budget} (sum of max instances x pool size, candidates, migration job, reserve) must stay below max_connections ${var.db_max_connections}."
    }
  }
}

# Every function's own identity, created here so that the database users can wait for them.
resource "google_service_account" "fn" {
  for_each     = local.account_id
  project      = var.project_id
  account_id   = each.value
  display_name = "Function ${each.key}"
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

# The Pub/Sub service agent mints the push requests' OIDC tokens as the push account. Google
# creates an agent lazily and IAM refuses a grant to one that does not exist: terraform/bootstrap
# creates it (google_project_service_identity) before any release.
resource "google_service_account_iam_member" "push_token_creator" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:service-${local.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

module "build" {
  source     = "../build"
  project_id = var.project_id
  region     = var.region
}

module "source_bucket" {
  source        = "../source_bucket"
  project_id    = var.project_id
  region        = var.region
  name          = "${var.project_id}-function-sources"
  readers       = [module.build.member]
  force_destroy = !var.deletion_protection
}

module "api_reference" {
  source     = "../api_reference"
  project_id = var.project_id
  region     = var.region
  name       = "${var.project_id}-api-reference"
  readers    = var.reference_readers
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
  name                = local.sql_instance
  tier                = var.db_tier
  edition             = var.db_edition
  availability_type   = var.db_availability_type
  max_connections     = var.db_max_connections
  deletion_protection = var.deletion_protection
  database_name       = "wellness"
  iam_users           = { for k in concat(local.postgres_functions, [local.migrate_function]) : k => google_service_account.fn[k].email }
}

module "firestore" {
  source              = "../firestore"
  project_id          = var.project_id
  location            = var.firestore_location
  deletion_protection = var.deletion_protection
  indexes             = local.firestore_idx.indexes
  ttl_fields          = try(local.firestore_idx.ttl, [])
}

locals {
  common_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    APP_ENV              = var.environment
    JWT_ISSUER           = var.jwt_issuer
    JWT_AUDIENCE         = var.jwt_audience
    TRUSTED_PROXY_HOPS   = tostring(var.trusted_proxy_hops)
  }
  # The connection name is PROJECT:REGION:INSTANCE, written out from the instance's chosen name:
  # known at plan time once chosen (every plan after the instance's first), so revision names are
  # too (the plan shows which functions get a new revision), and no service waits for Cloud SQL.
  postgres_env = {
    CLOUD_SQL_INSTANCE = "${var.project_id}:${var.region}:${module.cloud_sql.instance_name}"
    DB_NAME            = "wellness"
    DB_POOL_SIZE       = tostring(var.db_pool_size)
  }
  # Defence in depth: an HTTP function also verifies the bearer token the gateway forwards against the
  # JWKS (wellness.platform.identity), so holding run.invoker on a function is not enough to act as a
  # user. The JWKS is auth-jwks's own deterministic, public URL (the function module's `url`), not a
  # module output, so no function's revision waits on another's.
  verify_env = {
    VERIFY_FORWARDED_TOKEN = "true"
    JWT_JWKS_URI           = "https://${local.jwks_function}-${local.project_number}.${var.region}.run.app/v1/auth/jwks"
  }
  env = {
    for k, f in local.functions : k => merge(
      local.common_env,
      contains(f.stores, "postgres") ? merge(local.postgres_env, { DB_USER = local.db_user[k] }) : {},
      { for s in f.settings : s => local.settings[s] },
      f.kind == "http" ? local.verify_env : {},
    )
  }
  # Publish rights on the topics the catalog says each function's events go to (the relay: every topic).
  publish_topics = {
    for k, f in local.functions : k => (
      contains(f.publishes, "*") ? module.topics.names : { for t in f.publishes : t => module.topics.names[t] }
    )
  }
  secret_ids = { for k, f in local.functions : k => { for s in f.secrets : s => module.secrets.ids[s] } }
  build = {
    image_repository            = module.build.image_repository
    build_service_account_email = module.build.service_account_email
    build_ready                 = module.build.ready
  }
}

module "function" {
  source                      = "../function"
  for_each                    = merge(local.http_functions, local.job_functions)
  project_id                  = var.project_id
  project_number              = local.project_number
  region                      = var.region
  name                        = each.key
  repo_root                   = var.repo_root
  source_bucket               = module.source_bucket.name
  bundle_dir                  = var.bundle_dir
  bundle                      = var.bundles[each.key]
  image_repository            = local.build.image_repository
  base_image                  = local.base_image
  build_service_account_email = local.build.build_service_account_email
  build_ready                 = local.build.build_ready
  service_account_email       = google_service_account.fn[each.key].email
  cpu                         = each.value.sizing.cpu
  memory                      = each.value.sizing.memory
  startup_cpu_boost           = each.value.sizing.startup_cpu_boost
  timeout                     = each.value.sizing.timeout
  max_instances               = each.value.sizing.max_instances
  concurrency                 = each.value.sizing.concurrency
  min_instances               = each.value.warm ? var.warm_min_instances : 0
  # API Gateway calls from outside the project's network (IAM gates it); Cloud Scheduler
  # counts as internal.
  ingress             = each.value.kind == "http" ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY"
  public              = each.key == local.jwks_function
  deletion_protection = var.deletion_protection
  live_revision       = lookup(var.live_revisions, each.key, "")
  candidate_percent   = each.value.kind == "http" ? var.candidate_percent : 0 # jobs move at the promotion
  environment         = local.env[each.key]
  project_roles       = local.project_roles[each.key]
  secret_ids          = local.secret_ids[each.key]
  publish_topics      = local.publish_topics[each.key]
  invokers = [
    each.value.kind == "http" ? "serviceAccount:${google_service_account.gateway.email}" : "serviceAccount:${google_service_account.scheduler.email}",
  ]
  depends_on = [terraform_data.connection_budget]
}

module "subscriber_function" {
  source                      = "../subscriber_function"
  for_each                    = local.subscriptions
  project_id                  = var.project_id
  project_number              = local.project_number
  region                      = var.region
  name                        = each.value.function
  repo_root                   = var.repo_root
  source_bucket               = module.source_bucket.name
  bundle_dir                  = var.bundle_dir
  bundle                      = var.bundles[each.value.function]
  image_repository            = local.build.image_repository
  base_image                  = local.base_image
  build_service_account_email = local.build.build_service_account_email
  build_ready                 = local.build.build_ready
  service_account_email       = google_service_account.fn[each.value.function].email
  sizing                      = local.functions[each.value.function].sizing
  deletion_protection         = var.deletion_protection
  live_revision               = lookup(var.live_revisions, each.value.function, "")
  environment                 = local.env[each.value.function]
  project_roles               = local.project_roles[each.value.function]
  secret_ids                  = local.secret_ids[each.value.function]
  publish_topics              = local.publish_topics[each.value.function]
  topic_id                    = module.topics.ids[each.value.topic]
  push_service_account_email  = google_service_account.push.email
  subscription = {
    name                    = each.key
    ack_deadline_seconds    = each.value.ack_deadline_seconds
    max_delivery_attempts   = each.value.max_delivery_attempts
    minimum_backoff_seconds = each.value.minimum_backoff_seconds
    maximum_backoff_seconds = each.value.maximum_backoff_seconds
    message_retention       = each.value.message_retention
  }
  depends_on = [terraform_data.connection_budget]
}

# Alembic migrations as a private job (the db-migrate bundle), blue/green like the rest: the
# deploy calls its candidate tag URL, so the new release's migrations run, after this apply
# created every database user they grant to and before the smoke test. Migrations are
# expand-only during a release, so the live revisions keep working on the new schema.
module "migrate" {
  source                      = "../function"
  project_id                  = var.project_id
  project_number              = local.project_number
  region                      = var.region
  name                        = local.migrate_function
  repo_root                   = var.repo_root
  source_bucket               = module.source_bucket.name
  bundle_dir                  = var.bundle_dir
  bundle                      = var.bundles[local.migrate_function]
  image_repository            = local.build.image_repository
  base_image                  = local.base_image
  build_service_account_email = local.build.build_service_account_email
  build_ready                 = local.build.build_ready
  service_account_email       = google_service_account.fn[local.migrate_function].email
  cpu                         = local.migrate_sizing.cpu
  memory                      = local.migrate_sizing.memory
  startup_cpu_boost           = local.migrate_sizing.startup_cpu_boost
  timeout                     = local.migrate_sizing.timeout
  max_instances               = local.migrate_sizing.max_instances
  concurrency                 = local.migrate_sizing.concurrency
  ingress                     = "INGRESS_TRAFFIC_ALL" # called from the CI runner; IAM (run.invoker) is the gate
  deletion_protection         = var.deletion_protection
  live_revision               = lookup(var.live_revisions, local.migrate_function, "")
  environment = merge(local.common_env, local.postgres_env, {
    DB_USER          = local.db_user[local.migrate_function]
    DB_RUNTIME_USERS = jsonencode(local.db_runtime_users)
  })
  # Like every function it exports traces and metrics (wellness.platform.telemetry): the base roles.
  project_roles = distinct(concat(local.base_roles, local.roles_by_store.postgres))
  invokers      = [var.deployer_member]
  # Its database user, and every user it grants to, exist before the job can be called.
  depends_on = [module.cloud_sql]
}

module "scheduler" {
  source                = "../scheduler"
  project_id            = var.project_id
  region                = var.region
  service_account_email = google_service_account.scheduler.email
  jobs                  = { for k, f in local.job_functions : k => { schedule = f.schedule, url = module.function[k].url } }
  depends_on            = [module.function]
}

locals {
  jwt = { jwt_issuer = var.jwt_issuer, jwt_audience = var.jwt_audience }
  # Both documents hold only deterministic URLs: known at plan time, so are the config keys.
  candidate_document = templatefile("${var.repo_root}/contracts/openapi.yaml", merge(local.jwt,
    { for k, f in local.http_functions : "backend_${replace(k, "-", "_")}" => module.function[k].candidate_url },
  ))
  release_document = templatefile("${var.repo_root}/contracts/openapi.yaml", merge(local.jwt,
    { for k, f in local.http_functions : "backend_${replace(k, "-", "_")}" => module.function[k].url },
  ))
}

module "api_gateway" {
  source                        = "../api_gateway"
  project_id                    = var.project_id
  region                        = var.region
  api_id                        = "wellness-${var.environment}"
  gateway_service_account_email = google_service_account.gateway.email
  live_config                   = var.live_api_config
  candidate_document            = local.candidate_document
  release_document              = local.release_document
  # Configs and gateways change after the services: a candidate config never points at a
  # revision that is not there yet, and on promotion the live gateway moves last.
  depends_on = [module.function, module.subscriber_function, module.migrate]
}

module "observability" {
  source                = "../observability"
  project_id            = var.project_id
  environment           = var.environment
  http_functions        = keys(local.http_functions)
  domain_functions      = { for d in distinct([for f in local.functions : f.domain]) : d => [for k, f in local.functions : k if f.domain == d] }
  notification_channels = var.notification_channels
}

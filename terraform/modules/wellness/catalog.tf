# Everything below is derived from functions/catalog.yaml and contracts/: no function,
# topic or subscription is named in Terraform. terraform/tests check that.

locals {
  catalog    = yamldecode(file("${var.repo_root}/functions/catalog.yaml"))
  topics_doc = yamldecode(file("${var.repo_root}/contracts/topics.yaml"))
  defaults   = local.catalog.defaults

  functions = {
    for name, f in local.catalog.functions : name => {
      kind          = f.kind
      stores        = try(f.stores, [])
      secrets       = try(f.secrets, [])
      memory        = try(f.memory, local.defaults.memory)
      timeout       = try(f.timeout, local.defaults.timeout)
      max_instances = try(f.max_instances, local.defaults.max_instances)
      schedule      = try(f.schedule, null)
    }
  }
  http_functions = { for k, f in local.functions : k => f if f.kind == "http" }
  job_functions  = { for k, f in local.functions : k => f if f.kind == "job" && f.schedule != null }
  # A job without a schedule runs once per release, called by the deploy workflow (the migrations).
  release_job          = one([for k, f in local.functions : k if f.kind == "job" && f.schedule == null])
  subscriber_functions = { for k, f in local.functions : k => f if f.kind == "subscriber" }

  topics = {
    for name, t in local.topics_doc.topics : name => { message_retention = local.topics_doc.defaults.message_retention }
  }
  subscriptions = merge([
    for topic, t in local.topics_doc.topics : {
      for sub, s in try(t.subscriptions, {}) : sub => merge(local.topics_doc.defaults, s, { topic = topic })
    }
  ]...)

  # A function's service account email is known before it exists, so the database user and
  # DB_USER can be set without a dependency cycle (tests check the ids stay distinct).
  sa_email = { for k in keys(local.functions) : k => "${substr("fn-${k}", 0, 30)}@${var.project_id}.iam.gserviceaccount.com" }

  secret_names = toset(concat(flatten([for f in local.functions : f.secrets]), var.extra_secrets))

  roles_by_store = {
    postgres  = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
    firestore = ["roles/datastore.user"]
    pubsub    = [] # granted per topic (roles/pubsub.publisher), not on the project
  }
  base_roles = ["roles/logging.logWriter", "roles/cloudtrace.agent", "roles/monitoring.metricWriter"]
  project_roles = {
    for k, f in local.functions : k => distinct(concat(local.base_roles, flatten([for s in f.stores : local.roles_by_store[s]])))
  }

  postgres_functions = [for k, f in local.functions : k if contains(f.stores, "postgres")]

  # Connection budget: every Postgres function (the migration job included) at max instances
  # with a full pool, plus the connections Cloud SQL reserves for itself.
  connection_budget = sum(concat([0], [for k in local.postgres_functions : local.functions[k].max_instances * var.db_pool_size])) + var.db_reserved_connections

  # The JWKS the gateway fetches (x-google-jwks_uri) is read anonymously: that one backend is public.
  jwks_backend  = regex("x-google-jwks_uri:\\s*\"\\$\\{backend_([a-z0-9_]+)\\}", file("${var.repo_root}/contracts/openapi.yaml"))[0]
  jwks_function = replace(local.jwks_backend, "_", "-")
  firestore_idx = yamldecode(file("${path.module}/../../firestore-indexes.yaml"))
}

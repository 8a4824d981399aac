# Everything below is derived from functions/catalog.yaml and contracts/: no function,
# topic or subscription is named in Terraform. tests/deploy/test_terraform.py checks that.

locals {
  catalog    = yamldecode(file("${var.repo_root}/functions/catalog.yaml"))
  topics_doc = yamldecode(file("${var.repo_root}/contracts/topics.yaml"))
  defaults   = local.catalog.defaults

  # The release job (a job without a schedule: the migrations) is deployed on its own, below.
  functions = {
    for name, f in local.catalog.functions : name => {
      kind      = f.kind
      domain    = f.domain
      stores    = try(f.stores, [])
      secrets   = try(f.secrets, [])
      settings  = try(f.settings, [])
      publishes = [for t in flatten([try(f.publishes, [])]) : t == "all" ? "*" : t] # "*": every topic (the relay: all); a list either way
      reads     = try(f.reads, [])
      warm      = try(f.warm, false)
      route     = try(f.route, null)
      schedule  = try(f.schedule, null)
      # The function's own value, else its kind's (defaults.sizing), else the catalog-wide one.
      sizing = {
        cpu               = tostring(try(f.cpu, local.defaults.sizing[f.kind].cpu))
        memory            = try(f.memory, local.defaults.sizing[f.kind].memory)
        startup_cpu_boost = try(f.startup_cpu_boost, local.defaults.sizing[f.kind].startup_cpu_boost)
        timeout           = try(f.timeout, local.defaults.timeout)
        max_instances     = try(f.max_instances, local.defaults.sizing[f.kind].max_instances)
        concurrency       = try(f.concurrency, local.defaults.concurrency)
      }
    } if !(f.kind == "job" && try(f.schedule, null) == null)
  }
  http_functions       = { for k, f in local.functions : k => f if f.kind == "http" }
  job_functions        = { for k, f in local.functions : k => f if f.kind == "job" }
  subscriber_functions = { for k, f in local.functions : k => f if f.kind == "subscriber" }

  topics = {
    for name, t in local.topics_doc.topics : name => { message_retention = local.topics_doc.defaults.message_retention }
  }
  # One push subscription per subscriber, named after it, on the catalog's `topic` (topics.yaml
  # lists topics only; devstack.catalog derives the same for the local stack).
  subscriptions = {
    for name, f in local.catalog.functions : name => merge(local.topics_doc.defaults, { function = name, topic = f.topic })
    if f.kind == "subscriber"
  }

  # The migration job: the catalog's one release job (kind job, no schedule), called by the deploy.
  migrate_function = one([for name, f in local.catalog.functions : name if f.kind == "job" && try(f.schedule, null) == null])
  migrate_entry    = local.catalog.functions[local.migrate_function]
  migrate_sizing = {
    cpu               = tostring(try(local.migrate_entry.cpu, local.defaults.sizing.job.cpu))
    memory            = try(local.migrate_entry.memory, local.defaults.sizing.job.memory)
    startup_cpu_boost = try(local.migrate_entry.startup_cpu_boost, local.defaults.sizing.job.startup_cpu_boost)
    timeout           = try(local.migrate_entry.timeout, local.defaults.timeout)
    max_instances     = try(local.migrate_entry.max_instances, local.defaults.sizing.job.max_instances)
    concurrency       = try(local.migrate_entry.concurrency, local.defaults.concurrency)
  }

  # Every function's identity, known before it exists: the Postgres IAM user is the email
  # without ".gserviceaccount.com" (tests check the ids stay distinct and valid).
  account_id = { for k in concat(keys(local.functions), [local.migrate_function]) : k => substr("fn-${k}", 0, 30) }
  db_user    = { for k, id in local.account_id : k => "${id}@${var.project_id}.iam" }

  secret_names = toset(concat(flatten([for f in local.functions : f.secrets]), var.extra_secrets))

  # The settings a catalog entry may ask for (`settings:`), each from an environment variable.
  settings = {
    MAIL_FROM          = var.mail_from
    PASSWORD_RESET_URL = var.password_reset_url
  }

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

  # What the migration job grants: each runtime database user with the domain whose tables it
  # may use, its kind and route (a GET reads), whether it writes the outbox, the other domains whose
  # tables it may read (terraform/README.md,
  # "Database rights"). Passed to the job as DB_RUNTIME_USERS, and output as db_users.
  db_runtime_users = {
    for k in local.postgres_functions : local.db_user[k] => {
      function  = k
      domain    = local.functions[k].domain
      kind      = local.functions[k].kind
      route     = local.functions[k].route
      publishes = contains(local.functions[k].stores, "pubsub")
      reads     = local.functions[k].reads # other domains' tables it may SELECT (the account's export)
    }
  }

  # Connection budget: every Postgres function at max instances with a full pool, one candidate
  # instance of each during the smoke test (max instances is per revision), the migration job,
  # and the connections Cloud SQL reserves for itself.
  connection_budget = (
    sum(concat([0], [for k in local.postgres_functions : local.functions[k].sizing.max_instances * var.db_pool_size]))
    + length(local.postgres_functions) * var.db_pool_size + 1 + var.db_reserved_connections
  )

  # The JWKS the gateway fetches (x-google-jwks_uri) is read anonymously: that one backend is public.
  jwks_backend  = regex("x-google-jwks_uri:\\s*\"\\$\\{backend_([a-z0-9_]+)\\}", file("${var.repo_root}/contracts/openapi.yaml"))[0]
  jwks_function = replace(local.jwks_backend, "_", "-")
  firestore_idx = yamldecode(file("${path.module}/../../firestore-indexes.yaml"))
}

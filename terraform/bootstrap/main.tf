# What one environment needs before its first release, applied once by a project owner
# (terraform/README.md, "A new environment"): the APIs, the Pub/Sub service agent, the deployer
# service account with least privilege, and keyless GitHub access bound to the deploy workflow,
# the environment's branch or tag, and its GitHub environment. After this apply, every release is
# the deploy workflow's (envs/ENV), running as the deployer.

provider "google" {
  project = var.project_id
  region  = var.region
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  # Every API the environment's resources and the deploy call. cloudresourcemanager (the
  # google_project data source, project IAM), iam and serviceusage are needed by the first plan.
  apis = toset([
    "cloudresourcemanager.googleapis.com", "serviceusage.googleapis.com", "iam.googleapis.com",
    "iamcredentials.googleapis.com", "sts.googleapis.com",
    "run.googleapis.com", "cloudbuild.googleapis.com", "artifactregistry.googleapis.com", "storage.googleapis.com",
    "apigateway.googleapis.com", "servicemanagement.googleapis.com", "servicecontrol.googleapis.com",
    "pubsub.googleapis.com", "secretmanager.googleapis.com", "sqladmin.googleapis.com", "firestore.googleapis.com",
    "cloudscheduler.googleapis.com", "cloudtrace.googleapis.com", "monitoring.googleapis.com",
    "logging.googleapis.com", "telemetry.googleapis.com",
  ])

  # Each role for something Terraform or the deploy workflow does; the deployer is neither owner
  # nor editor.
  deployer_roles = toset([
    "roles/run.admin",                         # Cloud Run services, their IAM, invoker_iam_disabled, builds:submit
    "roles/run.sourceDeveloper",               # source builds (builds:submit)
    "roles/serviceusage.serviceUsageConsumer", # with it: "required roles for the deployer account" of a source build
    "roles/iam.serviceAccountAdmin",           # the functions' and platform service accounts
    "roles/iam.serviceAccountUser",            # services, configs and builds that run as those accounts
    "roles/cloudsql.admin",                    # instance, database, IAM users; the release's database bootstrap
    "roles/pubsub.admin",                      # topics, subscriptions, their IAM
    "roles/secretmanager.admin",               # secrets, per-secret IAM; bootstrap-secrets adds versions
    "roles/storage.admin",                     # the source and reference buckets, bundles, the state bucket
    "roles/artifactregistry.admin",            # the image repository and its IAM
    "roles/cloudbuild.builds.viewer",          # follow the image builds
    "roles/datastore.owner",                   # the Firestore database and its indexes
    "roles/cloudscheduler.admin",              # the outbox relay's schedule
    "roles/apigateway.admin",                  # API, configs, gateways
    "roles/servicemanagement.admin",           # an API's first config creates its managed service
    "roles/monitoring.editor",                 # alert policies, dashboards, the API service and its SLOs
  ])

  # The only roles the deployer may grant on the project: the ones the catalog gives functions and
  # the build account (modules/wellness, modules/build). It cannot grant owner, editor or itself.
  grantable_roles = [
    "roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/datastore.user", "roles/logging.logWriter",
    "roles/cloudtrace.agent", "roles/monitoring.metricWriter", "roles/run.builder",
  ]

  # The environment's branch (qa: develop) or tags (prod: v*), as terraform/README.md describes.
  ref_condition = {
    qa   = "assertion.ref == 'refs/heads/develop'"
    prod = "assertion.ref.startsWith('refs/tags/v')"
  }
  attribute_condition = join(" && ", [
    "assertion.repository_id == '${var.github_repository_id}'",
    "assertion.environment == '${var.environment}'",
    local.ref_condition[var.environment],
    # push: a release; workflow_dispatch: the same workflow's rollback job (same ref, same environment).
    # CEL's `in` on a list, as in the API's own example ("'admins' in google.groups", cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools.providers).
    "assertion.event_name in ['push', 'workflow_dispatch']",
    "assertion.workflow_ref.startsWith('${var.github_repository}/${var.deploy_workflow}@')",
  ])
}

resource "google_project_service" "api" {
  for_each           = local.apis
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false # other things in the project may use them; disabling is a decision, not a cleanup
}

# Google creates a service's agent lazily; IAM refuses a grant to one that does not exist yet. The
# environment grants the Pub/Sub agent token creation (push OIDC) and dead-letter rights, so it
# must exist first (google_project_service_identity, google-beta only).
resource "google_project_service_identity" "pubsub" {
  provider   = google-beta
  project    = var.project_id
  service    = "pubsub.googleapis.com"
  depends_on = [google_project_service.api]
}

resource "google_service_account" "deployer" {
  project      = var.project_id
  account_id   = "deployer"
  display_name = "GitHub deploy workflow"
  depends_on   = [google_project_service.api]
}

resource "google_project_iam_member" "deployer" {
  #checkov:skip=CKV_GCP_49:the deployer creates and manages the service accounts the functions, gateway, scheduler, push and builds run as, and deploys as them; no person holds these roles, and only the deploy workflow's federated token reaches the deployer
  #checkov:skip=CKV_GCP_41:the deployer creates every service account the functions run as and deploys services and builds as them (iam.serviceAccounts.actAs); it is a service account, not a person, reachable only through the workflow's federated token
  for_each = local.deployer_roles
  project  = var.project_id
  role     = each.value
  member   = google_service_account.deployer.member
}

resource "google_project_iam_member" "deployer_grants_function_roles" {
  project = var.project_id
  role    = "roles/resourcemanager.projectIamAdmin"
  member  = google_service_account.deployer.member
  condition {
    title      = "function-roles-only"
    expression = "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(${jsonencode(local.grantable_roles)})"
  }
}

# It mints identity tokens for itself: the deploy calls the migration job as the deployer.
resource "google_service_account_iam_member" "deployer_token_creator" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.deployer.member
}

resource "google_iam_workload_identity_pool" "github" {
  project                   = var.project_id
  workload_identity_pool_id = "github"
  display_name              = "GitHub Actions"
  depends_on                = [google_project_service.api]
}

# A token is admitted only from this repository (by id), from the deploy workflow, for a push of
# the environment's branch or tag, in the environment's GitHub environment.
resource "google_iam_workload_identity_pool_provider" "github" {
  #checkov:skip=CKV_GCP_125:the check wants assertion.sub compared with a literal; this condition pins the repository by numeric id (a recreated namesake has another), the GitHub environment, the ref, the event and the workflow, built from variables checkov cannot read; and only the subject repo:OWNER/NAME:environment:ENV may act as the deployer (github_acts_as_deployer)
  project                            = var.project_id
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github"
  attribute_condition                = local.attribute_condition
  attribute_mapping = {
    "google.subject"          = "assertion.sub"
    "attribute.repository_id" = "assertion.repository_id"
    "attribute.environment"   = "assertion.environment"
    "attribute.ref"           = "assertion.ref"
  }
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

# Only this environment's subject may act as the deployer: a qa token never reaches prod.
resource "google_service_account_iam_member" "github_acts_as_deployer" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principal://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/subject/repo:${var.github_repository}:environment:${var.environment}"
}

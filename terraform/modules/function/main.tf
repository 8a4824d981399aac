# One function on the Cloud Run Admin API: a google_cloud_run_v2_service built from its
# content-hashed bundle, running as its own service account with only the roles the catalog
# gives it. Used for http, job and subscriber functions alike; who may invoke it is the
# caller's business (invokers).
#
# Blue/green lives here. Every template gets a revision name derived from everything in it,
# and traffic names revisions explicitly: the live one (var.live_revision) keeps 100 %, the new
# one is tagged `candidate` with 0 %, reachable only at its tag URL. Promoting is the same
# apply with live_revision = this release's revision. A function's first revision takes 100 %.
# Progressive promotion: applies with candidate_percent 10, 50 (the catalog's steps) in between.
#
# The build: `build_config` records how the image was built (source bundle, function target,
# base image, build service account), but in provider 6.50.0 it does not start a build
# (hashicorp/terraform-provider-google#22263, #23057), and `containers.image` must already
# exist. So terraform_data.image builds it first through the Admin API's own builds:submit
# (what `gcloud run deploy --function` calls), tagged by the bundle's content hash, and skips
# the build when that tag already exists: an unchanged function is neither rebuilt nor redeployed.

terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

locals {
  bundle_hash = trimsuffix(trimprefix(var.bundle, "${var.name}-"), ".tar.gz")
  # Tags are immutable: the bundle's content hash, and the base image's (a new runtime is a new build).
  image           = "${var.image_repository}/${var.name}:${local.bundle_hash}-${substr(sha256(var.base_image), 0, 6)}"
  source_location = "gs://${var.source_bucket}/${google_storage_bucket_object.source.name}"
  # Deterministic URLs (https://NAME-PROJECT_NUMBER.REGION.run.app), known at plan time, so the
  # API Gateway documents that hold them are too. A tag gets TAG---NAME-PROJECT_NUMBER...
  host          = "${var.name}-${var.project_number}.${var.region}.run.app"
  url           = "https://${local.host}"
  candidate_url = "https://candidate---${local.host}"

  # Everything that makes a revision; its hash names the revision, so any change here is a new
  # revision (Cloud Run refuses to reuse a name) and an unchanged function keeps its revision.
  template = {
    image             = local.image
    base_image        = var.base_image
    service_account   = var.service_account_email
    cpu               = var.cpu
    memory            = var.memory
    startup_cpu_boost = var.startup_cpu_boost
    timeout           = "${var.timeout}s"
    max_instances     = var.max_instances
    concurrency       = var.concurrency
    environment       = merge(var.environment, { FUNCTION_NAME = var.name })
  }
  revision = "${var.name}-${substr(sha256(jsonencode(local.template)), 0, 10)}"
  live     = var.live_revision == "" ? local.revision : var.live_revision
}

resource "google_storage_bucket_object" "source" {
  # Named by the bundle's content hash: a new name means new code.
  name   = "functions/${var.bundle}"
  bucket = var.source_bucket
  source = "${var.bundle_dir}/${var.bundle}"
}

resource "terraform_data" "image" {
  # Rebuilt only when the image it names changes (new bundle or base image).
  triggers_replace = [local.image]
  input            = var.build_ready

  provisioner "local-exec" {
    command = join(" ", [
      "python3 -m devstack.deploy.build_image",
      "--project ${var.project_id} --region ${var.region}",
      "--source ${local.source_location} --image ${local.image}",
      "--function-target ${var.function_target} --base-image ${var.base_image}",
      "--service-account ${var.build_service_account_email}",
    ])
    environment = { PYTHONPATH = "${var.repo_root}/scripts" }
  }
}

resource "google_cloud_run_v2_service" "fn" {
  project             = var.project_id
  location            = var.region
  name                = var.name
  ingress             = var.ingress
  deletion_protection = var.deletion_protection
  # Public only where the catalog says so (the JWKS API Gateway fetches anonymously): Google's
  # documented way under Domain Restricted Sharing, which refuses a binding for all users.
  invoker_iam_disabled = var.public
  # API Gateway signs its calls with the backend address as audience: for the candidate that
  # is the tag URL. Listing both URLs makes either audience valid.
  custom_audiences = [local.url, local.candidate_url]

  build_config {
    source_location          = local.source_location
    function_target          = var.function_target
    image_uri                = local.image
    base_image               = var.base_image
    enable_automatic_updates = true
    service_account          = "projects/${var.project_id}/serviceAccounts/${var.build_service_account_email}"
  }

  # Minimum instances for the service, divided among the revisions that take traffic: a
  # candidate at 0 % keeps none warm.
  scaling {
    min_instance_count = var.min_instances
  }

  template {
    revision                         = local.revision
    service_account                  = var.service_account_email
    timeout                          = local.template.timeout
    max_instance_request_concurrency = var.concurrency

    scaling {
      max_instance_count = var.max_instances
    }

    containers {
      image          = local.image
      base_image_uri = var.base_image
      resources {
        limits            = { cpu = var.cpu, memory = var.memory }
        cpu_idle          = true # billed per request; min instances idle at the lower rate
        startup_cpu_boost = var.startup_cpu_boost
      }
      dynamic "env" {
        for_each = local.template.environment
        content {
          name  = env.key
          value = env.value
        }
      }
    }
  }

  # The live revision keeps its traffic; the new one is the candidate, at 0 % until promoted,
  # or at candidate_percent during a progressive promotion (the live revision keeps the rest).
  dynamic "traffic" {
    for_each = local.live == local.revision ? [] : [local.live]
    content {
      type     = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
      revision = traffic.value
      percent  = 100 - var.candidate_percent
    }
  }
  traffic {
    type     = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
    revision = local.revision
    percent  = local.live == local.revision ? 100 : var.candidate_percent
    tag      = "candidate"
  }

  # The accessor grants first: a revision's requests read its secrets (on first use, so it
  # becomes ready without them, tests/deploy/test_secrets_on_first_use.py), and nothing else
  # orders a grant on the function's account before the service that runs as it.
  depends_on = [terraform_data.image, google_secret_manager_secret_iam_member.secrets, google_project_iam_member.roles]
}

# The roles the catalog derives for this function, on the project (Cloud SQL, Firestore,
# logging, traces, metrics have no narrower resource to bind on).
resource "google_project_iam_member" "roles" {
  for_each = toset(var.project_roles)
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${var.service_account_email}"
}

resource "google_secret_manager_secret_iam_member" "secrets" {
  for_each  = var.secret_ids
  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.service_account_email}"
}

resource "google_pubsub_topic_iam_member" "publish" {
  for_each = var.publish_topics
  project  = var.project_id
  topic    = each.value
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${var.service_account_email}"
}

resource "google_cloud_run_v2_service_iam_member" "invokers" {
  for_each = toset(var.invokers)
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.fn.name
  role     = "roles/run.invoker"
  member   = each.value
}

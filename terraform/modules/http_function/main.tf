# One Cloud Run function (2nd gen) from its content-addressed bundle, with its own
# service account and only the roles the catalog gives it. Used for http, job and
# subscriber functions alike; who may invoke it is the caller's business (invokers).

terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

resource "google_service_account" "fn" {
  project      = var.project_id
  account_id   = substr("fn-${var.name}", 0, 30)
  display_name = "Function ${var.name}"
}

resource "google_storage_bucket_object" "source" {
  # Named by the bundle's content hash: a new name is the only thing that redeploys the function.
  name   = "functions/${var.bundle}"
  bucket = var.source_bucket
  source = "${var.bundle_dir}/${var.bundle}"
}

resource "google_cloudfunctions2_function" "fn" {
  #checkov:skip=CKV_GCP_124:API Gateway, Cloud Scheduler and the deployer call over Google's front end, not from a VPC; IAM (run.invoker) is the gate, and subscribers pass ALLOW_INTERNAL_ONLY
  project  = var.project_id
  location = var.region
  name     = var.name

  build_config {
    runtime     = "python311"
    entry_point = "handler"
    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory               = var.memory
    timeout_seconds                = var.timeout
    max_instance_count             = var.max_instances
    ingress_settings               = var.ingress
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.fn.email
    environment_variables          = merge(var.environment, { FUNCTION_NAME = var.name })
  }
}

# The roles the catalog derives for this function, on the project (Cloud SQL, Firestore,
# logging, traces, metrics have no narrower resource to bind on).
resource "google_project_iam_member" "roles" {
  for_each = toset(var.project_roles)
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.fn.email}"
}

resource "google_secret_manager_secret_iam_member" "secrets" {
  for_each  = var.secret_ids
  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.fn.email}"
}

resource "google_pubsub_topic_iam_member" "publish" {
  for_each = var.publish_topics
  project  = var.project_id
  topic    = each.value
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${google_service_account.fn.email}"
}

resource "google_cloud_run_service_iam_member" "invokers" {
  for_each = toset(var.invokers)
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.fn.service_config[0].service
  role     = "roles/run.invoker"
  member   = each.value
}

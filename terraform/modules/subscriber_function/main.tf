# A subscriber: a private function, the explicit push subscription that feeds it (OIDC
# token, retry backoff, dead letters), its dead-letter topic and that topic's own pull
# subscription so nothing dead-lettered is lost. Explicit subscriptions rather than
# Eventarc triggers: Eventarc's subscription cannot be given a dead-letter topic from
# Terraform and has retries off by default (SPEC section 8).

terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

locals {
  pubsub_agent = "serviceAccount:service-${var.project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  # The lanes' filters, as wellness.platform.smoke states them (tests/deploy/test_subscription_lanes.py).
  live_filter      = "NOT attributes:smoke"
  candidate_filter = "attributes.smoke = \"true\""
}

module "function" {
  source                      = "../function"
  project_id                  = var.project_id
  project_number              = var.project_number
  region                      = var.region
  name                        = var.name
  repo_root                   = var.repo_root
  source_bucket               = var.source_bucket
  bundle_dir                  = var.bundle_dir
  bundle                      = var.bundle
  image_repository            = var.image_repository
  base_image                  = var.base_image
  build_service_account_email = var.build_service_account_email
  build_ready                 = var.build_ready
  service_account_email       = var.service_account_email
  cpu                         = var.sizing.cpu
  memory                      = var.sizing.memory
  startup_cpu_boost           = var.sizing.startup_cpu_boost
  timeout                     = var.sizing.timeout
  max_instances               = var.sizing.max_instances
  concurrency                 = var.sizing.concurrency
  ingress                     = "INGRESS_TRAFFIC_INTERNAL_ONLY" # Pub/Sub push from this project counts as internal
  deletion_protection         = var.deletion_protection
  live_revision               = var.live_revision
  environment                 = var.environment
  project_roles               = var.project_roles
  secret_ids                  = var.secret_ids
  publish_topics              = var.publish_topics
  invokers                    = ["serviceAccount:${var.push_service_account_email}"]
}

resource "google_pubsub_topic" "dead_letter" {
  project                    = var.project_id
  name                       = "${var.subscription.name}.dead-letter"
  message_retention_duration = var.subscription.message_retention
  kms_key_name               = var.kms_key_name
}

# Without a subscription, messages published to the dead-letter topic are dropped.
resource "google_pubsub_subscription" "dead_letter_hold" {
  project                    = var.project_id
  name                       = "${var.subscription.name}.dead-letter.hold"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = var.subscription.message_retention
  retain_acked_messages      = true
  expiration_policy {
    ttl = ""
  }
}

# Two lanes per subscription (shared/wellness/platform/smoke.py): the live subscription takes
# every message but the smoke's and pushes to the service URL (the live revision); its
# candidate twin takes only the smoke's (messages carrying the `smoke` attribute, set for a
# release's smoke account alone) and pushes to the `candidate` tag URL, so a release's smoke
# tries the new subscriber code before promotion, and no user's event reaches it. Between
# releases the tag names the live revision, so the smoke lane is always served.
# Filter syntax: https://cloud.google.com/pubsub/docs/subscription-message-filter ; a filter is
# fixed when the subscription is created (the provider replaces a subscription whose filter
# changes), and Pub/Sub acknowledges by itself the messages a filter leaves out.
#
# The first rollout: the live subscription used to be named after the declaration and had no
# filter. A filter cannot be added to it, and replacing it in place (destroy, then create under
# the same name) would lose what it holds and what is published in between. So the filtered
# one has a new name, `<subscription>.live`, and is created before the old one is destroyed
# (create_before_destroy): for a moment both deliver each event, which every subscriber
# applies once (the delivery is recorded per function and event id, wellness.platform.subscriber).
# Later releases change neither name nor filter, so nothing is replaced again.
resource "google_pubsub_subscription" "push" {
  project              = var.project_id
  name                 = "${var.subscription.name}.live"
  topic                = var.topic_id
  ack_deadline_seconds = var.subscription.ack_deadline_seconds
  filter               = local.live_filter

  # The service URL, not a tag: messages go to the live revision; a candidate subscriber
  # takes them only once promoted.
  push_config {
    push_endpoint = module.function.url
    oidc_token {
      service_account_email = var.push_service_account_email
      audience              = module.function.url
    }
  }

  retry_policy {
    minimum_backoff = "${var.subscription.minimum_backoff_seconds}s"
    maximum_backoff = "${var.subscription.maximum_backoff_seconds}s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.subscription.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  lifecycle {
    create_before_destroy = true
  }

  # Nothing is pushed before the service (and its invoker grant) exists.
  depends_on = [module.function]
}

# The smoke lane: the same policies, the candidate tag URL (an audience the service accepts,
# modules/function's custom_audiences). What a broken candidate fails five times lands in the
# same dead letters: the smoke then fails and the release stops before promotion.
resource "google_pubsub_subscription" "candidate" {
  project              = var.project_id
  name                 = "${var.subscription.name}.candidate"
  topic                = var.topic_id
  ack_deadline_seconds = var.subscription.ack_deadline_seconds
  filter               = local.candidate_filter

  push_config {
    push_endpoint = module.function.candidate_url
    oidc_token {
      service_account_email = var.push_service_account_email
      audience              = module.function.candidate_url
    }
  }

  retry_policy {
    minimum_backoff = "${var.subscription.minimum_backoff_seconds}s"
    maximum_backoff = "${var.subscription.maximum_backoff_seconds}s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.subscription.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [module.function]
}

# Dead lettering is done by the Pub/Sub service agent: it publishes to the dead-letter
# topic and must be able to acknowledge on the source subscription.
resource "google_pubsub_topic_iam_member" "agent_publishes_dead_letters" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_subscribes_source" {
  project      = var.project_id
  subscription = google_pubsub_subscription.push.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "agent_subscribes_candidate" {
  project      = var.project_id
  subscription = google_pubsub_subscription.candidate.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

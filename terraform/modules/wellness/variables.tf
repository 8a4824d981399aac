variable "project_id" { type = string }
variable "region" { type = string }
variable "environment" {
  type = string
  validation {
    condition     = contains(["qa", "prod"], var.environment)
    error_message = "environment is qa or prod."
  }
}
variable "repo_root" {
  type        = string
  description = "The repository root: the catalog and contracts are read from it."
}
variable "bundle_dir" {
  type        = string
  description = "Where scripts/package wrote the bundles (dist/bundles.json sets it)."
}
variable "bundles" {
  type        = map(string)
  description = "Function name => bundle file name, <function>-<content hash>.tar.gz (dist/bundles.json sets it)."
}
variable "base_image" {
  type        = string
  default     = ""
  description = "The functions' runtime base image; empty: REGION-docker.pkg.dev/serverless-runtimes/google-22/runtimes/python311."
}
variable "jwt_issuer" { type = string }
variable "jwt_audience" { type = string }
variable "mail_from" {
  type        = string
  description = "MAIL_FROM of the functions that send mail: a sender the mail provider accepts (Mailjet: a validated address)."
  validation {
    condition     = can(regex("@", var.mail_from)) && !strcontains(var.mail_from, ".invalid")
    error_message = "mail_from must be an address the mail provider accepts (the local default ends in .invalid)."
  }
}
variable "password_reset_url" {
  type        = string
  description = "PASSWORD_RESET_URL: the app page a reset link opens (?token=... is appended)."
  validation {
    condition     = startswith(var.password_reset_url, "https://") && !strcontains(var.password_reset_url, ".invalid")
    error_message = "password_reset_url must be an https URL of the app (the local default ends in .invalid)."
  }
}
variable "extra_secrets" {
  type        = list(string)
  default     = []
  description = "Secrets no catalog function reads yet but the platform needs."
}
variable "db_tier" { type = string }
variable "db_edition" {
  type    = string
  default = "ENTERPRISE"
}
variable "db_availability_type" {
  type    = string
  default = "REGIONAL"
}
variable "db_max_connections" { type = number }
variable "trusted_proxy_hops" {
  type        = number
  default     = 3
  description = <<-EOT
    TRUSTED_PROXY_HOPS: X-Forwarded-For entries Google's infrastructure appends after the client's address on
    the way client -> Google front end -> API Gateway (managed ESPv2) -> Google front end -> Cloud Run. A Google
    front end appends "<address it received from>,<its own>" (load-balancing docs, "X-Forwarded-For header");
    ESPv2 does not append by default (--envoy_use_remote_address=false) and itself reads the client as the 2nd
    entry from the end (its --envoy_xff_num_trusted_hops default; cloudendpoints/endpoints-tools#72). So:
    [client, gfe, gateway egress, gfe] -> 3. Confirm once per environment: the access log's forwardedHops of a
    request sent without X-Forwarded-For is this value + 1 (terraform/README.md, "Client addresses").
  EOT
  validation {
    condition     = var.trusted_proxy_hops >= 0 && var.trusted_proxy_hops <= 10
    error_message = "trusted_proxy_hops counts proxies: 0 to 10."
  }
}
variable "db_pool_size" {
  type    = number
  default = 2
}
variable "db_reserved_connections" {
  type        = number
  default     = 3
  description = "Connections Cloud SQL keeps for superusers and maintenance."
}
variable "firestore_location" { type = string }
variable "deletion_protection" {
  type    = bool
  default = true
}
variable "warm_min_instances" {
  type        = number
  default     = 0
  description = "Instances kept running for each catalog function marked `warm: true` (login, signup, today's tasks)."
}
variable "deployer_member" {
  type        = string
  description = "The deploy workflow's identity (serviceAccount:...), the only invoker of the migration job."
}
variable "live_api_config" {
  type        = string
  default     = ""
  description = "API config key the live gateway serves (the release record sets it; empty on the first deploy)."
}
variable "live_revisions" {
  type        = map(string)
  default     = {}
  description = "Function name => the revision serving users (the release record sets it; empty on the first deploy)."
}
variable "candidate_percent" {
  type        = number
  default     = 0
  description = "A progressive promotion step: every changed HTTP function's candidate revision takes this share of its traffic."
}
variable "notification_channels" {
  type        = list(string)
  default     = []
  description = "Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) the alerts notify (terraform/README.md says how to create one)."
  validation {
    condition     = alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[0-9]+$", c))])
    error_message = "notification_channels are ids: projects/PROJECT/notificationChannels/NUMBER (gcloud beta monitoring channels list)."
  }
  validation {
    # An alert that notifies nobody only opens an incident in the console: prod must page someone.
    condition     = var.environment != "prod" || length(var.notification_channels) > 0
    error_message = "prod needs at least one notification channel: create one (terraform/README.md, \"Who is paged\") and list its id."
  }
}

variable "reference_readers" {
  type        = list(string)
  default     = []
  description = "Who may read the published API reference (IAM members, e.g. group:...)."
}

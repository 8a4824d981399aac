variable "project_id" { type = string }
variable "region" { type = string }
variable "environment" { type = string }
variable "bundle_dir" { type = string }
variable "bundles" { type = map(string) }
variable "jwt_issuer" { type = string }
variable "jwt_audience" { type = string }
variable "mail_from" { type = string }
variable "password_reset_url" { type = string }
variable "extra_secrets" {
  type    = list(string)
  default = []
}
variable "db_tier" { type = string }
variable "db_edition" { type = string }
variable "db_availability_type" { type = string }
variable "db_max_connections" { type = number }
variable "db_pool_size" { type = number }
variable "firestore_location" { type = string }
variable "deletion_protection" { type = bool }
variable "warm_min_instances" { type = number }
variable "deployer_member" { type = string }
variable "live_api_config" {
  type    = string
  default = ""
}
variable "live_revisions" {
  type    = map(string)
  default = {}
}
variable "candidate_percent" {
  type    = number
  default = 0
}
variable "notification_channels" {
  type        = list(string)
  description = "Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) the alerts notify; create the channels (e-mail, PagerDuty, Slack) in the console once, then list them here."
}

variable "reference_readers" {
  type    = list(string)
  default = []
}

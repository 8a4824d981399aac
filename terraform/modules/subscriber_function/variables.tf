variable "project_id" { type = string }
variable "project_number" { type = string }
variable "region" { type = string }
variable "name" { type = string }
variable "repo_root" { type = string }
variable "source_bucket" { type = string }
variable "bundle_dir" { type = string }
variable "bundle" { type = string }
variable "image_repository" { type = string }
variable "base_image" { type = string }
variable "build_service_account_email" { type = string }
variable "build_ready" {
  type    = list(string)
  default = []
}
variable "service_account_email" { type = string }
variable "sizing" {
  description = "From the catalog: cpu, memory, startup boost, timeout, max instances, concurrency."
  type = object({
    cpu               = string
    memory            = string
    startup_cpu_boost = bool
    timeout           = number
    max_instances     = number
    concurrency       = number
  })
}
variable "deletion_protection" { type = bool }
variable "live_revision" {
  type    = string
  default = ""
}
variable "environment" { type = map(string) }
variable "project_roles" {
  type    = list(string)
  default = []
}
variable "secret_ids" {
  type    = map(string)
  default = {}
}
variable "publish_topics" {
  type    = map(string)
  default = {}
}
variable "topic_id" {
  type        = string
  description = "The source topic (its id, projects/P/topics/T)."
}
variable "push_service_account_email" {
  type        = string
  description = "The identity Pub/Sub signs push requests as (it alone may invoke the function)."
}
variable "kms_key_name" {
  type    = string
  default = null
}
variable "subscription" {
  description = "One per catalog subscriber, named after it (contracts/topics.yaml's defaults merged)."
  type = object({
    name                    = string
    ack_deadline_seconds    = number
    max_delivery_attempts   = number
    minimum_backoff_seconds = number
    maximum_backoff_seconds = number
    message_retention       = string
  })
  validation {
    condition     = var.subscription.max_delivery_attempts >= 5 && var.subscription.max_delivery_attempts <= 100
    error_message = "Pub/Sub accepts 5..100 delivery attempts."
  }
}

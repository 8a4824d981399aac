# The event topics of contracts/topics.yaml (dead-letter topics belong to their subscriber).
terraform {
  required_providers {
    google = { source = "hashicorp/google" }
  }
}

variable "project_id" { type = string }
variable "topics" {
  type        = map(object({ message_retention = string }))
  description = "Topic name (the event type) => settings."
}
variable "kms_key_name" {
  type    = string
  default = null
}

resource "google_pubsub_topic" "topic" {
  for_each                   = var.topics
  project                    = var.project_id
  name                       = each.key
  message_retention_duration = each.value.message_retention
  kms_key_name               = var.kms_key_name
}

output "ids" { value = { for k, t in google_pubsub_topic.topic : k => t.id } }
output "names" { value = { for k, t in google_pubsub_topic.topic : k => t.name } }

variable "project_id" { type = string }
variable "region" { type = string }
variable "name" { type = string }
variable "source_bucket" { type = string }
variable "bundle_dir" { type = string }
variable "bundle" {
  type        = string
  description = "The zip's file name from dist/bundles.json: <function>-<content hash>.zip."
}
variable "memory" { type = string }
variable "timeout" { type = number }
variable "max_instances" { type = number }
variable "ingress" {
  type = string
  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress)
    error_message = "ingress must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}
variable "environment" { type = map(string) }
variable "project_roles" {
  type    = list(string)
  default = []
}
variable "secret_ids" {
  type        = map(string)
  default     = {}
  description = "Secret Manager secrets this function reads, by catalog name."
}
variable "publish_topics" {
  type        = map(string)
  default     = {}
  description = "Topics this function publishes to, by event type."
}
variable "invokers" {
  type        = list(string)
  default     = []
  description = "Members granted roles/run.invoker (gateway, push, scheduler accounts)."
}

variable "project_id" { type = string }
variable "project_number" {
  type        = string
  description = "Part of the deterministic service URL https://NAME-PROJECT_NUMBER.REGION.run.app."
}
variable "region" { type = string }
variable "name" { type = string }
variable "repo_root" {
  type        = string
  description = "The repository root: the image build runs scripts/devstack/deploy/build_image.py from it."
}
variable "source_bucket" { type = string }
variable "bundle_dir" { type = string }
variable "bundle" {
  type        = string
  description = "The bundle's file name from dist/bundles.json: <function>-<content hash>.tar.gz (Cloud Run builds take a gzipped tar)."
}
variable "function_target" {
  type    = string
  default = "handler"
}
variable "image_repository" {
  type        = string
  description = "Artifact Registry path the images go to: REGION-docker.pkg.dev/PROJECT/REPOSITORY."
}
variable "base_image" {
  type        = string
  description = "The runtime base image (REGION-docker.pkg.dev/serverless-runtimes/STACK/runtimes/python311)."
}
variable "build_service_account_email" {
  type        = string
  description = "The identity Cloud Build builds the image as (roles/run.builder)."
}
variable "build_ready" {
  type        = list(string)
  default     = []
  description = "Ids of what the build needs first (the build account's role grants): the build waits for them."
}
variable "service_account_email" {
  type        = string
  description = "The function's own identity (created by the caller, so database users can depend on it)."
}
variable "cpu" { type = string }
variable "memory" { type = string }
variable "startup_cpu_boost" { type = bool }
variable "timeout" { type = number }
variable "max_instances" { type = number }
variable "min_instances" {
  type    = number
  default = 0
}
variable "concurrency" {
  type        = number
  default     = 1
  description = "Requests one instance serves at once (the database pool and budget assume 1)."
}
variable "ingress" {
  type = string
  validation {
    condition     = contains(["INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"], var.ingress)
    error_message = "ingress must be INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  }
}
variable "public" {
  type        = bool
  default     = false
  description = "Serve callers without an identity token (disables the invoker IAM check): the JWKS only."
}
variable "deletion_protection" { type = bool }
variable "live_revision" {
  type        = string
  default     = ""
  description = "The revision serving users now (from the release record); empty for a function's first release."
}
variable "candidate_percent" {
  type        = number
  default     = 0
  description = "A promotion step: the candidate's share of traffic while live_revision keeps the rest (0 until promoted; the workflow steps it up from the catalog's promotion.steps)."
  validation {
    condition     = var.candidate_percent >= 0 && var.candidate_percent <= 100 && floor(var.candidate_percent) == var.candidate_percent
    error_message = "candidate_percent is a whole percentage, 0 to 100."
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
  description = "Members granted roles/run.invoker (gateway, push, scheduler, deployer accounts)."
}

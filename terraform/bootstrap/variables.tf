variable "project_id" { type = string }
variable "region" { type = string }
variable "environment" {
  type = string
  validation {
    condition     = contains(["qa", "prod"], var.environment)
    error_message = "environment is qa or prod."
  }
}
variable "github_repository" {
  type        = string
  description = "owner/name of the GitHub repository whose deploy workflow deploys this environment."
  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository is owner/name."
  }
}
variable "github_repository_id" {
  type        = string
  description = "The repository's numeric id (gh api repos/OWNER/NAME --jq .id): survives renames, and a deleted-and-recreated namesake has another."
  validation {
    condition     = can(regex("^[0-9]+$", var.github_repository_id))
    error_message = "github_repository_id is the repository's numeric id."
  }
}
variable "deploy_workflow" {
  type        = string
  default     = ".github/workflows/deploy.yml"
  description = "The only workflow whose tokens are admitted."
}

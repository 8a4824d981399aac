variable "project_id" { type = string }
variable "region" { type = string }
variable "api_id" { type = string }
variable "candidate_document" {
  type        = string
  description = "contracts/openapi.yaml rendered with each function's candidate tag URL."
}
variable "release_document" {
  type        = string
  description = "contracts/openapi.yaml rendered with each function's service URL: what the live gateway serves once promoted."
}
variable "gateway_service_account_email" {
  type        = string
  description = "The identity the gateway calls the functions as (it holds roles/run.invoker on each HTTP function)."
}
variable "live_config" {
  type        = string
  default     = ""
  description = "Config key (document hash) the live gateway serves; empty on the first deploy, then the release record's."
}

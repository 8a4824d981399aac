variable "project_id" { type = string }
variable "region" { type = string }
variable "api_id" { type = string }
variable "openapi_document" {
  type        = string
  description = "contracts/openapi.yaml rendered with templatefile() (backend URLs, JWT issuer and audience)."
}
variable "gateway_service_account_email" {
  type        = string
  description = "The identity the gateway calls the functions as (it holds roles/run.invoker on each HTTP function)."
}
variable "live_config" {
  type        = string
  default     = ""
  description = "Config key (document hash) the live gateway serves; empty on the first deploy, then set by the deploy's promote step."
}

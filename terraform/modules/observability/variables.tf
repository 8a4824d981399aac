variable "project_id" { type = string }
variable "environment" { type = string }
variable "http_functions" {
  type        = list(string)
  description = "The API's functions (Cloud Run service names): the SLOs count their requests."
}
variable "domain_functions" {
  type        = map(list(string))
  description = "Domain => its functions: one golden-signals dashboard per domain."
}
variable "notification_channels" {
  type        = list(string)
  default     = []
  description = "Cloud Monitoring notification channel ids (projects/P/notificationChannels/N) every alert notifies."
}

output "live_url" { value = "https://${google_api_gateway_gateway.live.default_hostname}" }
output "candidate_url" { value = "https://${google_api_gateway_gateway.candidate.default_hostname}" }
output "candidate_config" {
  value       = local.candidate
  description = "Pass as live_config to promote the candidate."
}

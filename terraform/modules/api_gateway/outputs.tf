output "live_url" { value = "https://${google_api_gateway_gateway.live.default_hostname}" }
output "candidate_url" { value = "https://${google_api_gateway_gateway.candidate.default_hostname}" }
output "live_config" {
  value       = local.live_key
  description = "The config the live gateway serves after this apply."
}
output "release_config" {
  value       = local.release_key
  description = "Pass as live_config to promote this release."
}

output "gateway_url" { value = module.api_gateway.live_url }
output "candidate_gateway_url" { value = module.api_gateway.candidate_url }
output "candidate_api_config" { value = module.api_gateway.candidate_config }
output "migrate_url" { value = module.migrations.url }
output "connection_budget" { value = local.connection_budget }

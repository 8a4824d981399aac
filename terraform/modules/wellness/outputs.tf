output "gateway_url" { value = module.api_gateway.live_url }
output "candidate_gateway_url" { value = module.api_gateway.candidate_url }
output "live_api_config" {
  value       = module.api_gateway.live_config
  description = "The config the live gateway serves after this apply."
}
output "release_api_config" {
  value       = module.api_gateway.release_config
  description = "Promote: apply again with live_api_config set to this."
}
output "candidate_revisions" {
  value = merge(
    { for k, m in module.function : k => m.revision },
    { for k, s in local.subscriptions : s.function => module.subscriber_function[k].revision },
    { (local.migrate_function) = module.migrate.revision },
  )
  description = "Function name => this release's revision. Promote: apply again with live_revisions set to this."
}
output "migrate_url" {
  value       = module.migrate.candidate_url
  description = "The migration job of this release (its candidate tag URL): POST with an identity token."
}
output "db_users" {
  value       = local.db_runtime_users
  description = "Database user => the function, domain and kind whose tables it is granted (the migration job gets the same as DB_RUNTIME_USERS)."
}
output "db_bootstrap" {
  value = {
    connection_name = module.cloud_sql.connection_name
    database        = module.cloud_sql.database_name
    migrate_user    = module.cloud_sql.users[local.migrate_function]
  }
  description = "What the release's database bootstrap (scripts/db-bootstrap) gives the migration job's user the schema of."
}
output "connection_budget" { value = local.connection_budget }
output "api_reference_bucket" { value = module.api_reference.name }
output "api_reference_url" { value = module.api_reference.url }

# The GitHub environment's secrets (terraform/README.md, "A new environment"), and the deployer
# for envs/ENV/terraform.tfvars (deployer_member).
output "WIF_PROVIDER" { value = google_iam_workload_identity_pool_provider.github.name }
output "DEPLOYER_SA" { value = google_service_account.deployer.email }
output "deployer_member" { value = google_service_account.deployer.member }
output "pubsub_service_agent" { value = google_project_service_identity.pubsub.member }

# The bootstrap of prod (terraform/README.md, "A new environment"): one apply, as a project owner.
project_id           = "wellness-prod"
region               = "europe-west1"
environment          = "prod"
github_repository    = "your-org/wellness-backend"
github_repository_id = "123456789"

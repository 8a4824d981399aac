# The bootstrap of qa (terraform/README.md, "A new environment"): one apply, as a project owner.
project_id           = "wellness-qa"
region               = "europe-west1"
environment          = "qa"
github_repository    = "your-org/wellness-backend"
github_repository_id = "123456789"

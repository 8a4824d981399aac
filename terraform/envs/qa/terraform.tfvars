project_id         = "wellness-qa"
region             = "europe-west1"
environment        = "qa"
jwt_issuer         = "https://qa.api.wellness.example/"
jwt_audience       = "wellness-app"
extra_secrets      = ["mailjet-api-key"]
db_tier            = "db-custom-1-3840"
db_max_connections = 300
# One connection per instance: functions serve one request at a time (2nd gen default
# concurrency), and the budget (Postgres functions x max instances x pool) must stay
# under max_connections (checked by a precondition and tests/test_terraform.py).
db_pool_size        = 1
firestore_location  = "eur3"
deletion_protection = false
log_bucket          = "wellness-qa-tfstate"
deployer_member     = "serviceAccount:deployer@wellness-qa.iam.gserviceaccount.com"

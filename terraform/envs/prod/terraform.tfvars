project_id         = "wellness-prod"
region             = "europe-west1"
environment        = "prod"
jwt_issuer         = "https://api.wellness.example/"
jwt_audience       = "wellness-app"
extra_secrets      = ["mailjet-api-key"]
db_tier            = "db-custom-2-7680"
db_max_connections = 400
# One connection per instance: functions serve one request at a time (2nd gen default
# concurrency), and the budget (Postgres functions x max instances x pool) must stay
# under max_connections (checked by a precondition and tests/test_terraform.py).
db_pool_size        = 1
firestore_location  = "eur3"
deletion_protection = true
log_bucket          = "wellness-prod-tfstate"
deployer_member     = "serviceAccount:deployer@wellness-prod.iam.gserviceaccount.com"

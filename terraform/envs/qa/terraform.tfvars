project_id         = "wellness-qa"
region             = "europe-west1"
environment        = "qa"
jwt_issuer         = "https://qa.api.wellness.example/"
jwt_audience       = "wellness-app"
mail_from          = "Wellness QA <no-reply@qa.wellness.example>"
password_reset_url = "https://qa.app.wellness.example/reset-password"
extra_secrets      = ["mailjet-api-key"]
# ENTERPRISE edition: the one that takes db-custom-* tiers. One zone in qa (half the price of
# REGIONAL; an outage there costs a tester an hour, not a user a day).
db_edition           = "ENTERPRISE"
db_tier              = "db-custom-1-3840"
db_availability_type = "ZONAL"
db_max_connections   = 300
# One connection per instance: functions serve one request at a time (catalog concurrency 1),
# and the budget (Postgres functions x max instances x pool, candidates, migration, reserve)
# must stay under max_connections (checked by a precondition and tests/deploy/test_terraform.py).
db_pool_size        = 1
firestore_location  = "eur3"
deletion_protection = false
# Nobody waits on qa's cold starts: no instance kept warm.
warm_min_instances = 0
deployer_member    = "serviceAccount:deployer@wellness-qa.iam.gserviceaccount.com"
# Who is paged: channel ids (terraform/README.md, "Who is paged"). Optional in qa: without one,
# alerts only open incidents in the console.
notification_channels = []
# Who opens the published API reference (signed in, at the api_reference_url output).
reference_readers = ["group:mobile-developers@wellness.example"]

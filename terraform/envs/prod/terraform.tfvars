project_id         = "wellness-prod"
region             = "europe-west1"
environment        = "prod"
jwt_issuer         = "https://api.wellness.example/"
jwt_audience       = "wellness-app"
mail_from          = "Wellness <no-reply@wellness.example>"
password_reset_url = "https://app.wellness.example/reset-password"
extra_secrets      = ["mailjet-api-key"]
# ENTERPRISE edition: the one that takes db-custom-* tiers. REGIONAL: a standby in a second zone.
db_edition           = "ENTERPRISE"
db_tier              = "db-custom-2-7680"
db_availability_type = "REGIONAL"
db_max_connections   = 400
# One connection per instance: functions serve one request at a time (catalog concurrency 1),
# and the budget (Postgres functions x max instances x pool, candidates, migration, reserve)
# must stay under max_connections (checked by a precondition and tests/deploy/test_terraform.py).
db_pool_size        = 1
firestore_location  = "eur3"
deletion_protection = true
# The catalog's `warm: true` endpoints (sign-up, login, today's tasks) keep one instance each.
warm_min_instances = 1
deployer_member    = "serviceAccount:deployer@wellness-prod.iam.gserviceaccount.com"
# Who is paged (required in prod): the id `gcloud beta monitoring channels create` printed
# (terraform/README.md, "Who is paged"). An example: replace it with yours.
notification_channels = ["projects/wellness-prod/notificationChannels/1234567890123456789"]
# Who opens the published API reference (signed in, at the api_reference_url output).
reference_readers = ["group:mobile-developers@wellness.example"]

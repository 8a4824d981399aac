output "url" { value = module.function.url }
output "service_account_email" { value = module.function.service_account_email }
output "subscription" { value = google_pubsub_subscription.push.name }
output "dead_letter_topic" { value = google_pubsub_topic.dead_letter.name }

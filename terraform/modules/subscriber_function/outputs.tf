output "url" { value = module.function.url }
output "candidate_url" { value = module.function.candidate_url }
output "revision" { value = module.function.revision }
output "subscription" { value = google_pubsub_subscription.push.name }
output "candidate_subscription" { value = google_pubsub_subscription.candidate.name }
output "dead_letter_topic" { value = google_pubsub_topic.dead_letter.name }

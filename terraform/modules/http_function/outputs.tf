output "url" { value = google_cloudfunctions2_function.fn.service_config[0].uri }
output "service" { value = google_cloudfunctions2_function.fn.service_config[0].service }
output "service_account_email" { value = google_service_account.fn.email }

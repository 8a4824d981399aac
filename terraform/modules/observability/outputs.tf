output "alert_policies" { value = { for k, a in google_monitoring_alert_policy.alert : k => a.name } }
output "slos" { value = [google_monitoring_slo.availability.name, google_monitoring_slo.latency.name] }

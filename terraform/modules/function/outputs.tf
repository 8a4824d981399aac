output "url" {
  value       = local.url
  description = "The service URL: the live revision."
}
output "candidate_url" {
  value       = local.candidate_url
  description = "The tag URL of this release's revision (0 % of traffic until promoted)."
}
output "revision" {
  value       = local.revision
  description = "This release's revision: pass it back as live_revision to promote it."
}
output "service" { value = google_cloud_run_v2_service.fn.name }

"""Deploy tooling: the offline Terraform schema check, image builds, secrets bootstrap, the release gate."""

terraform {
  required_version = "~> 1.11.0"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.50.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "= 6.50.0"
    }
  }
  # State in GCS; the bucket and prefix come from backend.hcl (terraform init -backend-config=backend.hcl).
  backend "gcs" {}
}

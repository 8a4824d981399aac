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
  # In the environment's state bucket, beside the environment's own state:
  # terraform init -backend-config=../envs/ENV/backend.hcl -backend-config=prefix=bootstrap/ENV
  backend "gcs" {}
}

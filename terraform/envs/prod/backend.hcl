bucket = "wellness-prod-tfstate"
prefix = "terraform/prod"

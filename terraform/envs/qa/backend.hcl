bucket = "wellness-qa-tfstate"
prefix = "terraform/qa"

"""Stand-ins for hashicorp/google and google-beta 6.50.0 and the Google APIs a release calls (see provider.py)."""

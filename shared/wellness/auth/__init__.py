"""The auth domain: accounts, passwords, sessions and access tokens."""

"""The notifications domain: mail sent in answer to events (welcome, password reset)."""

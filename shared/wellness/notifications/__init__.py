"""The notifications domain: mail sent in answer to events (welcome, password reset), once per event (PostgreSQL).

model (pure) · ports · service · adapters (Postgres: the sent-mail record) · mailers (SMTP, Mailjet) ·
tables · settings · wiring. It uses auth only through `wellness.auth.public` (the reset link).
"""

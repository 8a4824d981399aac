"""The auth domain: accounts, passwords, sessions (refresh tokens), access tokens, password resets (PostgreSQL).

model (pure) · ports · service (AuthService) · resets (PasswordResetService) · adapters (Postgres,
with the login throttle) · tables · settings · wiring · public (for other domains);
keys, passwords, tokens and reset_tokens are auth's own crypto.
"""

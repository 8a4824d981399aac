"""The profile domain: a person's display name, time zone and bio (Firestore, `profiles/{userId}`).

model (pure) · ports · service · adapters (Firestore) · wiring · public (for other domains)
"""

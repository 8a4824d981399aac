"""The reflection domain: moods and journal entries (Firestore, `users/{userId}/reflections/{id}`).

model (pure) · ports · service · adapters (Firestore) · queries · wiring
"""

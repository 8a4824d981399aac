"""The reflection domain: moods and journal entries (Firestore, `users/{userId}/reflections/{id}`)."""

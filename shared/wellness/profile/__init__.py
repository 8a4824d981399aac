"""The profile domain: a person's display name, time zone and bio (Firestore)."""

"""The community domain: posts, comments, reactions and reports (Firestore, `posts/{postId}/…`).

model (pure) · ports · service · adapters (Firestore) · queries · wiring
"""

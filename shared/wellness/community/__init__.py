"""The community domain: posts, comments, reactions and reports (Firestore, `posts/{postId}/…`)."""

"""The community's Firestore queries, declared once so a test can check them against the indexes.

>>> FEED.equals, FEED.order
(('visible',), (('createdAt', 'DESCENDING'), ('id', 'DESCENDING')))
"""

from __future__ import annotations

from ..platform.firestore.queries import ASC, DESC, QuerySpec

FEED = QuerySpec("community feed", "posts", equals=("visible",), order=(("createdAt", DESC), ("id", DESC)))
POSTS_BY_AUTHOR = QuerySpec("a user's posts (erasure)", "posts", equals=("authorId",))
COMMENTS_PAGE = QuerySpec("a post's comments, oldest first", "comments", order=(("createdAt", ASC), ("id", ASC)))
COMMENTS_BY_AUTHOR = QuerySpec("a user's comments (erasure)", "comments", "COLLECTION_GROUP", equals=("authorId",))
REACTIONS_BY_USER = QuerySpec("a user's reactions (erasure)", "reactions", "COLLECTION_GROUP", equals=("userId",))
REPORTS_BY_USER = QuerySpec("a user's reports (erasure)", "reports", "COLLECTION_GROUP", equals=("userId",))

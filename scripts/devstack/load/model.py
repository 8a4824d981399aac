"""The mobile app's day as a load model: who does what, how often, and how long they pause.

Everything that shapes the load is here, in one place; `users.py` only carries it out.

One simulated user is one phone. It signs up once (a new install), enrolls in the programs,
then comes back in *sessions*. A real user opens the app about three times a day; a
simulated one compresses the hours between sessions into SESSION_GAP, so the same
traffic mix arrives at a much higher rate per user (the report converts the measured rate
into real daily users with REQUESTS_PER_REAL_USER_DAY and PEAK_FACTOR).

A session is what the app does when it is opened:

1. **Renew the session.** The access token lives 15 minutes and sessions are hours apart,
   so every session starts with `POST /v1/auth/refresh`; LOGIN_SHARE of them log in with
   the password instead (reinstalls, a second device, a logout).
2. **Home screen.** `GET /v1/me/tasks` (today's tasks) and `GET /v1/me/reports/summary`
   (the streak and totals at the top): every session.
3. **Then, each with its own probability** (SESSION_STEPS), in this order: complete one of
   today's open tasks, log a reflection, open the profile, read the community feed, and
   from the feed react (or take a reaction back) on the newest post, comment on it, or
   write a post. Reactions go to the newest post on purpose: that is where everyone's
   reactions land in the real app (a hot post), and where one counter row takes them all.
   When today's tasks are all done, the completion step sends one again (answered 200, no
   event): the app's retry after a lost answer, and it keeps the route's share in long runs.

Between two requests the user reads the screen: THINK seconds, uniformly drawn.

    >>> expected_requests_per_session()
    4.75
    >>> 0 < SESSION_STEPS["complete_task"] <= 1
    True
"""

from __future__ import annotations

PROGRAMS = ("mindful-7", "move-14", "sleep-10")  # the seeded catalog; each user enrolls in all three

# Seconds a user looks at a screen before the next request (uniform between the two).
THINK = (1.0, 3.0)
# Seconds between two sessions of one simulated user: the compressed hours between app opens.
SESSION_GAP = (5.0, 15.0)
# Seconds between sign-up and the first session (the onboarding screens).
ONBOARDING = (3.0, 8.0)

# Share of sessions that start with a password login rather than a token refresh.
LOGIN_SHARE = 0.25

# Probability that a session does each step (after the home screen), in the order listed.
SESSION_STEPS: dict[str, float] = {
    "complete_task": 0.6,  # the app's core loop: most sessions tick a task off
    "reflection": 0.3,  # an evening journal entry, about one session in three
    "profile": 0.1,  # rarely opened
    "feed": 0.5,  # the community tab, every other session
}
# Given that the feed was read, the probability of each action on it.
FEED_ACTIONS: dict[str, float] = {
    "react": 0.3,  # toggle my reaction on the newest post (the hot one)
    "comment": 0.1,
    "post": 0.1,
}

# Converting simulated load to real users (for the report; the load itself does not use them).
# A real user's day: ~3 sessions of ~6 requests, plus sign-in renewals.
REQUESTS_PER_REAL_USER_DAY = 20
# Peak hour over the day's average hour (mornings and evenings in one region's time zones).
PEAK_FACTOR = 3.0
# New installs per request, for the capacity plan: a load run signs every user up in its first
# seconds, far more than a real day does. With 2 % of the daily users new each day and
# REQUESTS_PER_REAL_USER_DAY requests each, one request in a thousand is a sign-up.
SIGNUPS_PER_REQUEST = 0.02 / REQUESTS_PER_REAL_USER_DAY


def expected_requests_per_session() -> float:
    """Requests one session makes on average (the renewal, the home screen and the optional steps)."""
    feed = SESSION_STEPS["feed"]
    return (
        1  # refresh or login
        + 2  # tasks and summary
        + SESSION_STEPS["complete_task"]
        + SESSION_STEPS["reflection"]
        + SESSION_STEPS["profile"]
        + feed * (1 + sum(FEED_ACTIONS.values()))
    )


def real_daily_users(requests_per_second: float) -> int:
    """Daily active users whose peak hour makes this many requests per second."""
    average = requests_per_second / PEAK_FACTOR
    return int(average * 86_400 / REQUESTS_PER_REAL_USER_DAY)

"""The demo data set, decided in advance: who the users are and what each does on each day.

Everything is a pure function of the user and the date, so any run on any day
agrees with every earlier run about what "should" exist: a run creates only what the
plan says and the API does not have yet (that is what makes the seed idempotent), and
a run on a later day adds that day's share (so history grows on qa with its deploys).

    >>> users = plan_users(3)
    >>> [(u.email, u.timezone) for u in users]
    [('seed.ada@example.com', 'Europe/London'), ('seed.kenji@example.com', 'Asia/Tokyo'), \
('seed.maria@example.com', 'America/Sao_Paulo')]
    >>> completes(users[0], "mindful-7-d1", dt.date(2026, 11, 30)) in (True, False)
    True
    >>> reflection_for(users[0], dt.date(2026, 11, 30)) == reflection_for(users[0], dt.date(2026, 11, 30))
    True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

EMAIL_DOMAIN = "example.com"  # RFC 2606: a real mail service accepts it and delivers nothing
EMAIL_PREFIX = "seed."  # how seeded accounts are recognised: seed.<handle>@example.com


@dataclasses.dataclass(frozen=True)
class Persona:
    handle: str
    name: str
    timezone: str
    programs: tuple[str, ...]
    bio: str
    diligence: float  # share of due tasks done
    mood: int  # usual mood, 1..5


PERSONAS = (
    Persona("ada", "Ada", "Europe/London", ("mindful-7", "sleep-10"), "Morning runner, evening journaler.", 0.9, 4),
    Persona("kenji", "Kenji", "Asia/Tokyo", ("move-14",), "Walks to work, stretches at lunch.", 0.8, 3),
    Persona("maria", "María", "America/Sao_Paulo", ("mindful-7",), "New to meditation.", 0.7, 3),
    Persona("sam", "Sam", "America/Los_Angeles", ("move-14", "sleep-10"), "Night owl, trying to change.", 0.6, 2),
    Persona("priya", "Priya", "Asia/Kolkata", ("sleep-10",), "Two kids, little sleep, lots of tea.", 0.85, 3),
    Persona("lena", "Lena", "Europe/Berlin", ("mindful-7", "move-14"), "Cyclist. Breathing helps on hills.", 0.95, 4),
    Persona("tom", "Tom", "Australia/Sydney", ("move-14",), "Back from a knee injury.", 0.75, 3),
    Persona("amara", "Amara", "Africa/Lagos", ("mindful-7",), "Journaling every evening.", 0.8, 5),
)
_ZONES = ("Europe/Lisbon", "America/New_York", "Asia/Singapore", "Pacific/Auckland", "America/Mexico_City")
_JOURNAL = (
    "Slept better than last week.",
    "A calm morning walk before work.",
    "Hard day; the breathing exercise helped a little.",
    "Skipped the evening routine, felt it the next day.",
    "Good talk with a friend, lighter mood.",
    "Tired but did the task anyway.",
    "Noticed I reach for my phone when I'm bored.",
    "Stretching before bed made a difference.",
)
_TAGS = ("sleep", "walk", "stress", "family", "work", "energy", "calm")
_POSTS = (
    "Day 3 done: the breathing exercise helped.",
    "Anyone else find the evening task harder than the morning one?",
    "First full week without skipping a day!",
    "Tip: put your shoes by the door the night before.",
    "Back at it after a rough week. Small steps.",
    "The hill climb felt easier today. Breathing works.",
    "Knee holding up fine with the gentle routine.",
    "Journaling before bed is becoming a habit.",
)
_COMMENTS = ("Well done!", "Same here, keep going.", "Thanks for the tip!", "That's great to hear.")


@dataclasses.dataclass(frozen=True)
class SeedUser:
    persona: Persona
    index: int

    @property
    def email(self) -> str:
        return f"{EMAIL_PREFIX}{self.persona.handle}@{EMAIL_DOMAIN}"

    @property
    def display_name(self) -> str:
        return self.persona.name

    @property
    def timezone(self) -> str:
        return self.persona.timezone

    @property
    def post_text(self) -> str:
        return _POSTS[self.index % len(_POSTS)]


def plan_users(count: int) -> list[SeedUser]:
    """The first `count` users: the personas, then numbered ones in more time zones."""
    users = []
    for i in range(count):
        if i < len(PERSONAS):
            persona = PERSONAS[i]
        else:
            base = PERSONAS[i % len(PERSONAS)]
            number = f"{i + 1:03d}"
            persona = dataclasses.replace(
                base, handle=f"user{number}", name=f"Demo {number}", timezone=_ZONES[i % len(_ZONES)]
            )
        users.append(SeedUser(persona, i))
    return users


def _fraction(*parts: str) -> float:
    """A stable number in [0, 1) from the parts (the same on every machine and run)."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def completes(user: SeedUser, task_id: str, day: dt.date) -> bool:
    """Whether the user does this task on this day (about `diligence` of the days)."""
    return _fraction(user.email, task_id, day.isoformat()) < user.persona.diligence


def reflection_for(user: SeedUser, day: dt.date) -> dict[str, object] | None:
    """The reflection the user logs on this day (about two days in three), or None."""
    if _fraction(user.email, "reflects", day.isoformat()) >= 0.67:
        return None
    swing = round(2 * _fraction(user.email, "mood", day.isoformat()) - 1)  # -1, 0 or +1
    text = _JOURNAL[int(_fraction(user.email, "text", day.isoformat()) * len(_JOURNAL))]
    tag = _TAGS[int(_fraction(user.email, "tag", day.isoformat()) * len(_TAGS))]
    return {"mood": max(1, min(5, user.persona.mood + swing)), "text": text, "tags": [tag]}


def comments_by(user: SeedUser, users: list[SeedUser]) -> list[tuple[SeedUser, str]]:
    """(whose post, text): each user comments on the posts of the next two users."""
    others = [users[(user.index + step) % len(users)] for step in (1, 2) if len(users) > step]
    return [(other, _COMMENTS[(user.index + other.index) % len(_COMMENTS)]) for other in others]


def reactions_by(user: SeedUser, users: list[SeedUser]) -> list[SeedUser]:
    """Whose posts the user reacts to: the next three users'."""
    return [users[(user.index + step) % len(users)] for step in (1, 2, 3) if len(users) > step]

"""Who is who: from a name as the minutes write it to a person."""

from meetings.models import name_key

# Owners that stand for everyone at the meeting rather than for one person.
GROUP_KEYS = frozenset(
    name_key(name)
    for name in (
        "Everyone",
        "Everybody",
        "All",
        "All of us",
        "Community leaders",
        "Mentors",
        "Team",
    )
)


def is_group(name):
    return name_key(name) in GROUP_KEYS


class Resolver:
    """Resolves the names written in one meeting's minutes.

    Knows the meeting's participants; a name that is one of their handles is
    that person.
    """

    def __init__(self, participants):
        self.by_key = {person.key: person for person in participants}

    def resolve(self, name):
        """The person a name stands for, or None (unresolved, or a group)."""
        return self.by_key.get(name_key(name))

"""Small explicit builders for the tracker's data, and the paths the tests read.

Plain functions, imported by the tests that need them; fixtures live in
``conftest.py``.
"""

import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from meetings.importing import import_many
from meetings.models import (
    Item,
    Meeting,
    Mention,
    Owner,
    Ownership,
    Participant,
    Person,
    Speaker,
    Statement,
    Team,
    Topic,
)
from meetings.names import is_group, name_key

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("MINUTES_CORPUS", ROOT.parent / "shared" / "minutes"))
# The expected parses of six corpus files, checked by hand.
EXAMPLES = CORPUS.parent / "examples"
SAMPLES = ROOT / "sample_minutes"


def require_corpus():
    """The real minutes corpus, beside this checkout as in CI.

    Without it the tests that read it are skipped on a developer's machine,
    and fail under CI (``CI=true``), so that hundreds of cases cannot vanish quietly.
    Called at a module's top, it skips or fails the whole module.
    """
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the real minutes corpus is missing at {CORPUS}", pytrace=False)
        pytest.skip(f"the real minutes corpus is not at {CORPUS}", allow_module_level=True)
    return CORPUS


def minutes_text(markdown):
    """Markdown written in a test, indented like the test, as a file's bytes."""
    return textwrap.dedent(markdown).lstrip("\n").encode()


def import_text(markdown, source="team/2024-01-10.md", **options):
    """Import one minutes file written in a test; returns its FileResult."""
    return import_many([(source, minutes_text(markdown))], **options).results[0]


def page(response):
    """The text of a page that was served."""
    assert response.status_code == 200
    return response.content.decode()


def make_team(name="core"):
    team = Team.objects.filter(key=name_key(name)).first()
    return team or Team.objects.create(name=name, slug=slugify(name))


def make_person(handle, user=None, **fields):
    return Person.objects.create(handle=handle, user=user, **fields)


def make_meeting(date="2024-01-10", teams=("core",), participants=(), **fields):
    """A meeting of ``teams`` on ``date`` (ISO), attended by ``participants`` (people)."""
    if "source" not in fields:
        fields["source"] = f"{teams[0] if teams else 'none'}/{date}.md"
        taken = Meeting.objects.filter(source__startswith=fields["source"][:-3]).count()
        if taken:  # a second meeting on the same day
            fields["source"] = f"{fields['source'][:-3]}-{taken + 1}.md"
    fields.setdefault("file_name", fields["source"].rsplit("/", 1)[-1])
    meeting = Meeting.objects.create(date=dt.date.fromisoformat(date), content_hash="", **fields)
    meeting.teams.set([make_team(name) for name in teams])
    meeting.keep_name()
    Participant.objects.bulk_create(
        Participant(
            meeting=meeting,
            person=person,
            name=person.handle,
            position=position,
            date=meeting.date,
        )
        for position, person in enumerate(participants)
    )
    return meeting


def make_item(text, meeting=None, owners=(), line=1, **fields):
    """An item first raised by ``meeting``, its mention there at ``line``.

    ``owners`` are people (owners by their handle) or names as written, such
    as ``"RD"`` (unresolved) or ``"Everyone"`` (a group).
    """
    meeting = meeting or make_meeting()
    fields.setdefault("last_raised", meeting.date)
    item = Item.objects.create(text=text, meeting=meeting, raised=meeting.date, **fields)
    names = []
    for position, owner in enumerate(owners):
        if isinstance(owner, Person):
            Owner.objects.create(item=item, name=owner.handle, person=owner, position=position)
            names.append(owner.handle)
        else:
            Owner.objects.create(item=item, name=owner, is_group=is_group(owner), position=position)
            names.append(owner)
    Mention.objects.create(
        item=item, meeting=meeting, owners=names, text=text, line=line, position=line
    )
    Ownership.objects.keep([item.pk])  # as the import keeps it
    return item


def make_user(username, password=None, **fields):
    """A user; without a password unless given (hashing one is slow), for force_login."""
    return get_user_model().objects.create_user(username, password=password, **fields)


def fill(meeting, count, owners):
    """``count`` open action items of ``meeting``, each owned by ``owners``, with statements."""
    items = Item.objects.bulk_create(
        Item(
            text=f"Task {n} for https://github.com/acme/core/pull/{n}",
            meeting=meeting,
            raised=meeting.date,
        )
        for n in range(count)
    )
    Owner.objects.bulk_create(
        Owner(item=item, name=person.handle, key=person.key, person=person, position=position)
        for item in items
        for position, person in enumerate(owners)
    )
    Mention.objects.bulk_create(
        Mention(item=item, meeting=meeting, text=item.text, line=100 + n, position=n)
        for n, item in enumerate(items)
    )
    Ownership.objects.keep([item.pk for item in items])  # as the import keeps it
    topic = Topic.objects.create(meeting=meeting, title="Release", position=0)
    statements = Statement.objects.bulk_create(
        Statement(topic=topic, text=f"Said {n}", line=10 + n, position=n) for n in range(count)
    )
    Speaker.objects.bulk_create(
        Speaker(statement=s, name=owners[0].handle, key=owners[0].key, person=owners[0])
        for s in statements
    )

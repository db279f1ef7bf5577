"""Importing the real minutes of a real community, all 255 of them."""

import pytest

from meetings.importing import Outcome, import_paths, read_minutes
from meetings.minutes import parse
from meetings.models import AgendaItem, Item, Meeting, Mention, Statement, Team

pytestmark = pytest.mark.django_db


def parsed_corpus(corpus):
    found, _ = read_minutes([corpus])
    return [parse(data, path.name) for path, data in found]


def table_sizes():
    return {
        model.__name__: model.objects.count()
        for model in (Meeting, Team, AgendaItem, Statement, Item, Mention)
    }


def test_every_real_minutes_file_imports_and_nothing_is_lost(corpus):
    summary = import_paths([corpus])

    assert summary.failed == []
    assert summary.count(Outcome.IMPORTED) == 255
    # Not minutes: the corpus's README and a list of future topics.
    assert summary.skipped == ["README.md", "discussions/maintainers/2022/topics.md"]

    parsed = parsed_corpus(corpus)
    assert Meeting.objects.count() == len(parsed) == 255
    # Every line is a mention; a line that repeats an open item is not a new item.
    action_lines = sum(len(m.action_items) for m in parsed)
    assert Mention.objects.filter(item__kind=Item.Kind.ACTION).count() == action_lines
    assert Item.objects.actions().count() < action_lines
    assert Item.objects.decisions().count() == sum(len(m.decisions) for m in parsed)
    assert AgendaItem.objects.count() == sum(len(m.agenda) for m in parsed)
    assert Statement.objects.count() == sum(len(t.statements) for m in parsed for t in m.topics)
    assert Item.objects.actions().count() > 1000
    assert not Item.objects.exclude(status=Item.Status.OPEN).exists()


def test_the_community_meeting_of_2022_01_12_is_imported_as_written(corpus):
    import_paths([corpus])

    meeting = Meeting.objects.get(source="discussions/community/2022/2022-01-12.md")
    assert [t.name for t in meeting.teams.all()] == ["community"]
    assert meeting.participations.count() == 13
    assert [(m.item.text, m.owners) for m in meeting.mentions.order_by("position")] == [
        ("Arrange meetings", ["RD"]),
        ("Work on PRs for the 0.7 release", ["Everyone"]),
    ]


def test_importing_the_real_corpus_twice_changes_nothing(corpus):
    import_paths([corpus])
    before = table_sizes()

    again = import_paths([corpus])

    assert again.count(Outcome.UNCHANGED) == 255
    assert table_sizes() == before

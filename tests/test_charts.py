"""The charts of the team and person pages: their figures, counted by hand on a few
minutes written here, and their links, which list exactly what each figure counts."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings import charts
from meetings.models import Item, Person, Team
from tests.helpers import import_text, page
from tests.processes import environment, running, wait_until, worker_command

pytestmark = pytest.mark.django_db

# The day the charts are drawn on: ages are counted from it.
TODAY = dt.date(2024, 6, 15)


def minutes(date, participants, todos, team="core"):
    """Import the minutes of a meeting of ``team`` on ``date`` (ISO) with these TODO lines."""
    people = "\n".join(f"  - {name}" for name in participants)
    lines = "\n".join(f"* {todo}" for todo in todos)
    text = (
        f"---\ndate: {date}\nteams:\n  - {team}\nparticipants:\n{people}\n---\n\n"
        f"## Agenda\n\n* Status\n\n## TODOs and Decisions\n\n{lines}\n"
    )
    result = import_text(text, source=f"{team}/{date}.md")
    assert result.error is None and result.action_items == len(todos), result
    return result


def close(text, status, on):
    """Close the item as someone did on the day ``on`` (ISO)."""
    item = Item.objects.get(text=text)
    item.set_status(None, status)
    moment = timezone.make_aware(dt.datetime.fromisoformat(f"{on}T12:00"))
    Item.objects.filter(pk=item.pk).update(status_changed=moment)


@pytest.fixture
def minutes_of_a_year(db):
    """Core's meetings from May 2023 to June 2024, and one of docs.

    Open on 15 June 2024: "Old task one" (402 days old), "Write docs" (157), "Plan
    release" and Everyone's "Read the RFC" (66), "Boundary thirty" (30), "Boundary
    twenty-nine" (29), "Update the changelog" (10). Closed: "Old task two" (dropped
    3 Feb 2024), "Fix the CI" (done 20 Feb 2024), "Review the PR" (done 30 Apr 2024).
    """
    minutes(
        "2023-05-10", ["MariaP", "TomK", "AnaL"], ["MariaP: Old task one", "TomK: Old task two"]
    )
    minutes(
        "2024-01-10",
        ["MariaP", "TomK"],
        ["MariaP: Write docs", "MariaP: Fix the CI", "TomK: Review the PR"],
    )
    minutes("2024-02-14", ["MariaP"], ["MariaP: Docs item"], team="docs")
    minutes(
        "2024-04-10",
        ["MariaP", "TomK", "AnaL", "SamB"],
        ["MariaP: Plan release", "Everyone: Read the RFC"],
    )
    minutes("2024-05-16", ["TomK"], ["TomK: Boundary thirty"])
    minutes("2024-05-17", ["TomK"], ["TomK: Boundary twenty-nine"])
    minutes("2024-06-05", ["MariaP", "TomK"], ["TomK: Update the changelog"])
    close("Old task two", Item.Status.DROPPED, "2024-02-03")
    close("Fix the CI", Item.Status.DONE, "2024-02-20")
    close("Review the PR", Item.Status.DONE, "2024-04-30")


def chart(charts_, slug):
    return next(c for c in charts_ if c.slug == slug)


def table(c):
    """A chart's figures as its table has them: {label: (value, ...)}, zeros left out."""
    return {
        label: tuple(point.value for point in points)
        for label, points in c.rows()
        if any(point.value for point in points)
    }


def core():
    return Team.objects.get(slug="core")


def test_raised_and_closed_per_month(minutes_of_a_year):
    months = chart(charts.of_team(core(), TODAY), "team-months")

    assert months.labels[0] == "May 2023" and months.labels[-1] == "Jun 2024"
    assert len(months.labels) == 14  # every month, those with nothing too
    assert [series.name for series in months.series] == ["raised", "closed"]
    assert table(months) == {
        "May 2023": (2, 0),
        "Jan 2024": (3, 0),
        "Feb 2024": (0, 2),
        "Apr 2024": (2, 1),
        "May 2024": (2, 0),
        "Jun 2024": (1, 0),
    }
    assert months.summary == (
        "From May 2023 to Jun 2024, 10 of core's items were raised and 3 closed (done or dropped)."
    )


def test_open_items_by_age_count_days_since_first_raised(minutes_of_a_year):
    ages = chart(charts.of_team(core(), TODAY), "team-ages")

    assert ages.labels == ["under a month", "1-3 months", "3-12 months", "older"]
    # 29 days is under a month, 30 is not; Everyone's item is one item.
    assert [point.value for point in ages.series[0].points] == [2, 3, 1, 1]
    assert ages.summary == "7 open items; 1 of them first raised more than a year ago."


def test_the_people_holding_the_open_items_busiest_first(minutes_of_a_year):
    people = chart(charts.of_team(core(), TODAY), "team-people")

    # Everyone's "Read the RFC" is each of the four's who were there.
    assert table(people) == {"MariaP": (4,), "TomK": (4,), "AnaL": (1,), "SamB": (1,)}
    assert people.labels == ["MariaP", "TomK", "AnaL", "SamB"]


def test_only_the_ten_busiest_are_charted(db):
    handles = [f"Person{n:02}" for n in range(12)]
    todos = [f"{handle}: Task {n} of {handle}" for n, handle in enumerate(handles)]
    todos += ["Person11: One more task", "Person05: Another task"]
    minutes("2024-06-01", handles, todos)

    people = chart(charts.of_team(core(), TODAY), "team-people")

    assert people.labels[:2] == ["Person05", "Person11"]
    assert len(people.labels) == 10
    assert table(people)["Person05"] == (2,)


def test_meetings_per_month_with_how_many_were_there(minutes_of_a_year):
    meetings = chart(charts.of_team(core(), TODAY), "team-meetings")

    assert table(meetings) == {
        "May 2023": (1, 3.0),
        "Jan 2024": (1, 2.0),
        "Apr 2024": (1, 4.0),
        "May 2024": (2, 1.0),
        "Jun 2024": (1, 2.0),
    }
    assert (
        meetings.summary == "6 meetings from May 2023 to Jun 2024, 2.2 people at each on average."
    )
    # A month without meetings had no one at them: a gap, not a fall to none.
    assert [point.value for point in dict(meetings.rows())["Feb 2024"]] == [0, None]


def test_a_persons_open_items_by_team_and_age(minutes_of_a_year):
    maria = Person.objects.get(handle="MariaP")

    ages = chart(charts.of_person(maria, TODAY), "person-ages")

    assert ages.labels == ["core", "docs"]
    assert [series.name for series in ages.series] == [band.label for band in charts.figures.BANDS]
    assert table(ages) == {"core": (0, 2, 1, 1), "docs": (0, 0, 1, 0)}
    assert ages.summary == "Open items in 2 teams, most in core (4, 1 of them older than a year)."


def test_a_persons_items_raised_and_closed_and_meetings_attended(minutes_of_a_year):
    maria = Person.objects.get(handle="MariaP")

    mine = charts.of_person(maria, TODAY)

    assert table(chart(mine, "person-months")) == {
        "May 2023": (1, 0),
        "Jan 2024": (2, 0),
        "Feb 2024": (1, 1),
        "Apr 2024": (2, 0),
    }
    assert table(chart(mine, "person-meetings")) == {
        "May 2023": (1,),
        "Jan 2024": (1,),
        "Feb 2024": (1,),
        "Apr 2024": (1,),
        "Jun 2024": (1,),
    }


def links(charts_):
    """Every linked figure of the charts: (chart, label, series, count, URL)."""
    return [
        (c.slug, label, series.name, point.value, point.href)
        for c in charts_
        for series in c.series
        for label, point in zip(c.labels, series.points, strict=True)
        if point.href
    ]


def listed(client, url):
    """How many items (or meetings) the list at ``url`` holds."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_each_link_of_the_team_charts_lists_as_many_as_the_chart_counts(
    reader, minutes_of_a_year, team_reading
):
    team_charts = charts.of_team(core(), TODAY)
    held = {label: points[0].value for label, points in chart(team_charts, "team-meetings").rows()}
    linked = links(team_charts)

    # Raised, closed, ages, people, meetings and how many were at them.
    assert len(linked) == 5 + 2 + 4 + 4 + 5 + 5
    for slug, label, series, count, url in linked:
        if series == "people per meeting":
            count = held[label]  # the month's meetings, as their bar links
        assert listed(reader, url) == count, (slug, label, series)


def test_each_link_of_a_persons_charts_lists_as_many_as_the_chart_counts(reader, minutes_of_a_year):
    maria = Person.objects.get(handle="MariaP")

    linked = links(charts.of_person(maria, TODAY))

    # Ages (team and band), raised and closed, meetings attended.
    assert len(linked) == 4 + 4 + 1 + 5
    for slug, label, series, count, url in linked:
        assert listed(reader, url) == count, (slug, label, series)


def test_a_chart_links_an_age_band_by_the_dates_first_raised(minutes_of_a_year):
    ages = chart(charts.of_team(core(), TODAY), "team-ages")

    query = [parse_qs(urlsplit(point.href).query) for point in ages.series[0].points]

    assert query[0] == {"team": ["core"], "raised_from": ["2024-05-17"]}
    assert query[1] == {
        "team": ["core"],
        "raised_from": ["2024-03-18"],
        "raised_to": ["2024-05-16"],
    }
    assert query[2] == {
        "team": ["core"],
        "raised_from": ["2023-06-17"],
        "raised_to": ["2024-03-17"],
    }
    assert query[3] == {"team": ["core"], "raised_to": ["2023-06-16"]}


# The pages


def test_the_team_page_shows_its_charts_above_its_items(reader, minutes_of_a_year):
    html = page(reader.get("/teams/core/"))

    assert html.index('id="charts-heading"') < html.index('id="list-heading"')
    for slug in ("team-months", "team-ages", "team-people", "team-meetings"):
        figure = html[html.index(f'<figure class="chart" id="{slug}"') :]
        figure = figure[: figure.index("</figure>")]
        svg = figure[figure.index("<svg") : figure.index("</svg>")]
        assert f'aria-labelledby="{slug}-title {slug}-desc"' in svg
        assert re.search(rf'<title id="{slug}-title">[^<]+</title><desc id="{slug}-desc">', svg)
        assert '<details class="chart-data">' in figure and "<table" in figure
        assert '<a href="/items/?' in figure or '<a href="/meetings/?' in figure
        assert 'href="/' in svg


def test_the_charts_need_no_inline_style_or_script(reader, minutes_of_a_year):
    html = page(reader.get("/teams/core/"))
    glance = html[html.index('id="charts-heading"') : html.index('id="list-heading"')]

    assert glance.count("<svg") == 4
    assert "<style" not in glance and "style=" not in glance and "<script" not in glance
    # Nor an id twice: pygal names parts of its charts for its script.
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_a_chart_with_nothing_to_show_says_so_without_a_drawing(reader, db):
    minutes("2024-06-05", ["MariaP"], ["MariaP: Only task"])
    Item.objects.get().set_status(None, Item.Status.DONE)

    html = page(reader.get("/teams/core/"))

    ages = html[html.index('id="team-ages"') :]
    ages = ages[: ages.index("</figure>")]
    assert "No open items." in ages and "<svg" not in ages
    assert "No one owns an open item." in html


def test_the_person_page_and_home_show_the_persons_charts(client, minutes_of_a_year):
    maria = Person.objects.get(handle="MariaP")
    from tests.helpers import make_user

    maria.user = make_user("maria")
    maria.save()
    client.force_login(maria.user)

    person = page(client.get("/people/mariap/"))
    home = page(client.get("/"))

    for html in (person, home):
        for slug in ("person-ages", "person-months", "person-meetings"):
            assert f'id="{slug}"' in html
    assert 'class="charts charts-small"' in home
    assert 'class="charts"' in person


def test_a_page_of_the_list_swapped_in_leaves_the_charts_alone(reader, minutes_of_a_year):
    html = page(reader.get("/teams/core/", {"page": 1}, headers={"HX-Request": "true"}))

    assert "<svg" not in html and 'class="item"' in html


# Kept, and drawn anew when the team changes


def test_after_an_import_or_a_status_change_the_page_shows_the_last_charts_and_asks_anew(
    reader, minutes_of_a_year
):
    reader.get("/teams/core/")  # drawn and kept
    team = core()
    docs = Team.objects.get(slug="docs").revision

    minutes("2024-06-12", ["MariaP"], ["MariaP: A new task"])
    assert core().revision > team.revision
    html = page(reader.get("/teams/core/"))
    # As they were, said so, while the worker draws them anew.
    assert "10 of core's items were raised" in html
    assert "As they stood at" in html and "being drawn anew" in html
    assert asked_to_draw() == [["team", team.pk, False]]

    revision = core().revision
    Item.objects.get(text="A new task").set_status(None, Item.Status.DONE)
    assert core().revision > revision
    assert Team.objects.get(slug="docs").revision == docs  # not docs': none of its items
    # Asked once a minute at most by each process: the task draws what is current then.
    page(reader.get("/teams/core/"))
    assert len(asked_to_draw()) == 1


def drawn_anew(reader):
    """The team page once it shows charts as they stand now; None before."""
    html = page(reader.get("/teams/core/"))
    return None if "As they stood at" in html else html


def asked_to_draw():
    return [
        task.args_kwargs["args"]
        for task in DBTaskResult.objects.filter(task_path="meetings.tasks.draw_charts")
    ]


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_draws_a_teams_charts_anew_after_a_change(
    reader, minutes_of_a_year, tmp_path
):
    reader.get("/teams/core/")
    Item.objects.get(text="Write docs").set_status(None, Item.Status.DONE)
    assert "As they stood at" in page(reader.get("/teams/core/"))

    with running(worker_command(), environment(), tmp_path / "worker.log"):
        html = wait_until(lambda: drawn_anew(reader), what="charts drawn anew by the worker")

    assert "raised and 4 closed" in html


def test_a_change_of_many_items_at_once_draws_their_teams_charts_anew(minutes_of_a_year):
    before = core().revision
    maria = Person.objects.get(handle="MariaP").revision

    Item.objects.filter(text__in=["Write docs", "Plan release"]).set_status(None, "dropped")

    assert core().revision > before
    assert Person.objects.get(handle="MariaP").revision > maria


def test_a_status_change_between_closed_ones_moves_the_charts_on_too(minutes_of_a_year):
    # Done to dropped: no open count changes, but the month it closed in does.
    item = Item.objects.get(text="Fix the CI")
    team, tom = core().revision, Person.objects.get(handle="TomK").revision

    item.set_status(None, Item.Status.DROPPED)

    assert core().revision > team
    assert Person.objects.get(handle="TomK").revision == tom  # not one of his

import csv
import io

import pytest

from meetings.models import Item, Mention
from tests.helpers import make_item, make_meeting, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def january(owner, teammate):
    return make_meeting("2024-01-10", participants=[owner, teammate])


@pytest.fixture
def march(owner, teammate):
    return make_meeting("2024-03-06", participants=[owner, teammate])


@pytest.fixture
def docs_meeting(outsider):
    return make_meeting("2024-02-01", teams=["docs"], participants=[outsider])


def test_the_list_shows_open_action_items_newest_first(reader, owner, january, march):
    make_item("Write the release notes", march, owners=[owner])
    make_item("Arrange meetings", january, owners=[owner])
    make_item("Fix the CI", january, owners=[owner], status=Item.Status.IN_PROGRESS)
    make_item("Ship 0.7", january, owners=[owner], status=Item.Status.DONE)
    make_item("Dropped idea", january, owners=[owner], status=Item.Status.DROPPED)
    make_item("We meet on Wednesdays", january, kind=Item.Kind.DECISION)

    html = page(reader.get("/items/"))

    assert "Arrange meetings" in html
    assert "Fix the CI" in html
    assert "Ship 0.7" not in html
    assert "Dropped idea" not in html
    assert "We meet on Wednesdays" not in html
    assert html.index("Write the release notes") < html.index("Arrange meetings")
    oldest_first = page(reader.get("/items/", {"sort": "raised"}))
    assert oldest_first.index("Arrange meetings") < oldest_first.index("Write the release notes")


def test_filtering_by_a_persons_handle_shows_their_items_and_their_groups(
    reader, owner, teammate, january, docs_meeting
):
    make_item("Arrange meetings", january, owners=[owner])
    make_item("Post on social media", january, owners=[teammate, owner])
    make_item("Work on PRs for the release", january, owners=["Everyone"])
    make_item("Review the docs", january, owners=[teammate])
    make_item("Everyone in docs: translate", docs_meeting, owners=["Everyone"])

    html = page(reader.get("/items/", {"owner": "MariaP"}))

    assert "Arrange meetings" in html
    assert "Post on social media" in html
    assert "Work on PRs for the release" in html
    assert "Review the docs" not in html
    assert "Everyone in docs: translate" not in html


def test_a_handle_matches_whatever_its_case_and_accents(reader, owner, january):
    make_item("Arrange meetings", january, owners=[owner])

    assert "Arrange meetings" in page(reader.get("/items/", {"owner": "mariap"}))


def test_filtering_by_an_owner_as_written_finds_unresolved_owners(reader, owner, january):
    make_item("GSoC application", january, owners=["RD"])
    make_item("Arrange meetings", january, owners=[owner])

    html = page(reader.get("/items/", {"owner": "RD"}))

    assert "GSoC application" in html
    assert "Arrange meetings" not in html


def test_filtering_by_a_group_owner_shows_the_group_items(reader, owner, january):
    make_item("Work on PRs for the release", january, owners=["Everyone"])
    make_item("Arrange meetings", january, owners=[owner])

    html = page(reader.get("/items/", {"owner": "everyone"}))

    assert "Work on PRs for the release" in html
    assert "Arrange meetings" not in html


def test_status_is_repeatable(reader, january):
    make_item("Still open", january)
    make_item("Being done", january, status=Item.Status.IN_PROGRESS)
    make_item("Finished", january, status=Item.Status.DONE)
    make_item("Given up", january, status=Item.Status.DROPPED)

    html = page(reader.get("/items/?status=done&status=dropped"))

    assert "Finished" in html
    assert "Given up" in html
    assert "Still open" not in html
    assert "Being done" not in html


def test_status_open_alone_leaves_out_items_in_progress(reader, january):
    make_item("Still open", january)
    make_item("Being done", january, status=Item.Status.IN_PROGRESS)

    html = page(reader.get("/items/?status=open"))

    assert "Still open" in html
    assert "Being done" not in html


def test_a_closed_item_says_when_it_was_raised_not_since_when_it_is_open(reader, january):
    make_item("Still open", january)
    make_item("Done already", january, status=Item.Status.DONE)

    html = page(reader.get("/items/", {"status": ["open", "done"], "sort": "raised"}))

    still, done = html.split("Done already")
    assert "open since" in still.split("Still open")[1]
    assert "open since" not in done
    assert "raised" in done


def test_filtering_by_team(reader, january, docs_meeting, team_reading):
    make_item("Core work", january)
    make_item("Docs work", docs_meeting)

    html = page(reader.get("/items/", {"team": "docs"}))

    assert "Docs work" in html
    assert "Core work" not in html


def test_an_unknown_team_is_an_error_not_every_item(reader, january):
    make_item("Core work", january)

    html = page(reader.get("/items/", {"team": "nope"}))

    assert "These filters cannot be used" in html
    assert "Core work" not in html


def test_filtering_by_meeting_shows_what_its_minutes_write(reader, january, march):
    carried = make_item("Carried over", january)
    Mention.objects.create(item=carried, meeting=march, text="Carried over", line=9, position=9)
    make_item("Only in January", january)
    make_item("New in March", march)

    html = page(reader.get("/items/", {"meeting": march.pk}))

    assert "Carried over" in html
    assert "New in March" in html
    assert "Only in January" not in html


def test_filtering_by_meeting_dates(reader, january, march, docs_meeting):
    make_item("From January", january)
    make_item("From February", docs_meeting)
    make_item("From March", march)

    html = page(reader.get("/items/", {"from": "2024-01-15", "to": "2024-02-28"}))
    assert "From February" in html
    assert "From January" not in html
    assert "From March" not in html

    html = page(reader.get("/items/", {"from": "2024-02-01"}))
    assert "From February" in html
    assert "From March" in html
    assert "From January" not in html

    html = page(reader.get("/items/", {"to": "2024-01-31"}))
    assert "From January" in html
    assert "From February" not in html


def test_a_date_range_holds_for_one_meeting_not_for_first_and_last(reader, january, march):
    both = make_item("In January and March", january)
    Mention.objects.create(item=both, meeting=march, text=both.text, line=3, position=3)

    html = page(reader.get("/items/", {"from": "2024-02-01", "to": "2024-02-28"}))

    assert "In January and March" not in html


def test_a_malformed_date_is_an_error(reader, january):
    make_item("From January", january)

    html = page(reader.get("/items/", {"from": "last tuesday"}))

    assert "These filters cannot be used" in html
    assert "From January" not in html


def test_text_search_ignores_case(reader, january):
    make_item("Update the README", january)
    make_item("Fix the CI", january)

    html = page(reader.get("/items/", {"q": "readme"}))

    assert "Update the README" in html
    assert "Fix the CI" not in html


def test_kind_decision_lists_decisions(reader, january):
    make_item("Fix the CI", january)
    make_item("We meet on Wednesdays", january, kind=Item.Kind.DECISION)

    html = page(reader.get("/items/", {"kind": "decision"}))

    assert "We meet on Wednesdays" in html
    assert "Fix the CI" not in html


def test_an_empty_kind_lists_both(reader, january):
    make_item("Fix the CI", january)
    make_item("We meet on Wednesdays", january, kind=Item.Kind.DECISION)

    html = page(reader.get("/items/", {"kind": ""}))

    assert "We meet on Wednesdays" in html
    assert "Fix the CI" in html


def test_removed_items_are_hidden_unless_asked_for(reader, january):
    make_item("Still in the minutes", january)
    make_item("Gone from the minutes", january, removed=True)

    html = page(reader.get("/items/"))
    assert "Still in the minutes" in html
    assert "Gone from the minutes" not in html

    html = page(reader.get("/items/", {"removed": "on"}))
    assert "Gone from the minutes" in html
    assert "no longer in the minutes" in html


def test_sorting_newest_first(reader, january, march):
    make_item("January item", january)
    make_item("March item", march)

    html = page(reader.get("/items/", {"sort": "-raised"}))

    assert html.index("March item") < html.index("January item")


def test_sorting_by_how_often_an_item_was_raised(reader, january, march):
    make_item("Raised once", january)
    twice = make_item("Raised twice", january, mention_count=2)
    Mention.objects.create(item=twice, meeting=march, text=twice.text, line=2, position=2)

    html = page(reader.get("/items/", {"sort": "-mentions"}))

    assert html.index("Raised twice") < html.index("Raised once")


def test_filters_combine(reader, owner, teammate, january, march, docs_meeting):
    make_item("Hers, core, March, open", march, owners=[owner])
    make_item("Hers, core, March, done", march, owners=[owner], status=Item.Status.DONE)
    make_item("Hers, core, January", january, owners=[owner])
    make_item("His, core, March", march, owners=[teammate])
    make_item("Hers, docs", docs_meeting, owners=[owner])

    html = page(
        reader.get(
            "/items/",
            {"owner": "MariaP", "team": "core", "from": "2024-03-01", "status": ["open", "done"]},
        )
    )

    assert "Hers, core, March, open" in html
    assert "Hers, core, March, done" in html
    assert "Hers, core, January" not in html
    assert "His, core, March" not in html
    assert "Hers, docs" not in html


def test_the_list_is_paged_and_pages_keep_the_filters(reader, settings, january):
    settings.TRACKER_PAGE_SIZE = 2
    for number in range(5):
        make_item(f"Task {number}", january)

    first = page(reader.get("/items/", {"q": "task"}))
    third = page(reader.get("/items/", {"q": "task", "page": 3}))

    # Newest first: raised the same day, the last written first.
    assert "Task 4" in first
    assert "Task 2" not in first
    assert "Page 1 of 3" in first
    assert "?q=task&amp;page=2" in first
    assert "Task 0" in third
    assert "Task 4" not in third


def test_htmx_gets_only_the_results(reader, january):
    make_item("Fix the CI", january)

    response = reader.get("/items/", {"q": "ci"}, HTTP_HX_REQUEST="true")

    html = page(response)
    assert html.lstrip().startswith('<div id="results"')
    assert "Fix the CI" in html
    assert '<form class="filters"' not in html
    assert "HX-Request" in response["Vary"]


def test_going_back_in_history_gets_the_whole_page(reader, january):
    response = reader.get("/items/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in page(response)


def test_the_list_only_reads(reader):
    assert reader.post("/items/").status_code == 405


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_has_the_documented_columns_and_one_row_per_item(
    reader, owner, teammate, january, march
):
    item = make_item("Post on social media", january, owners=[owner, teammate, "RD"])
    Mention.objects.create(item=item, meeting=march, text=item.text, line=4, position=4)
    Item.objects.filter(pk=item.pk).refresh_from_mentions()

    rows = csv_rows(reader.get("/items/", {"format": "csv"}))

    assert rows[0] == [
        "id",
        "meeting_date",
        "teams",
        "owners",
        "owners_as_written",
        "text",
        "status",
        "first_raised",
        "mentions",
        "url",
    ]
    assert rows[1] == [
        str(item.pk),
        "2024-03-06",
        "core",
        "MariaP;TomK",
        "MariaP;TomK;RD",
        "Post on social media",
        "open",
        "2024-01-10",
        "2",
        f"http://testserver/items/{item.pk}/",
    ]
    assert len(rows) == 2


def test_csv_export_follows_the_filters(reader, owner, teammate, january):
    make_item("Hers", january, owners=[owner])
    make_item("His", january, owners=[teammate])
    make_item("Hers and done", january, owners=[owner], status=Item.Status.DONE)

    rows = csv_rows(reader.get("/items/", {"format": "csv", "owner": "MariaP", "status": "done"}))

    assert [row[5] for row in rows[1:]] == ["Hers and done"]


def test_csv_export_is_not_paged(reader, settings, january):
    settings.TRACKER_PAGE_SIZE = 2
    for number in range(5):
        make_item(f"Task {number}", january)

    rows = csv_rows(reader.get("/items/", {"format": "csv"}))

    assert len(rows) == 6


def test_csv_export_with_a_bad_filter_says_what_is_wrong(reader):
    response = reader.get("/items/", {"format": "csv", "status": "finished"})

    assert response.status_code == 400
    assert "status" in response.content.decode()


def test_the_list_groups_items_by_meeting_with_a_heading_each(reader, owner, january, march):
    make_item("Write the release notes", march, owners=[owner])
    make_item("Arrange meetings", january, owners=[owner])
    make_item("Fix the CI", january, owners=["RD"])

    html = page(reader.get("/items/", {"group": "meeting"}))

    headings = html.split('class="group-heading"')[1:]
    assert len(headings) == 2
    assert (
        f'href="/meetings/{march.pk}/"' in headings[0] and "Write the release notes" in headings[0]
    )
    assert f'href="/meetings/{january.pk}/"' in headings[1]
    assert "Arrange meetings" in headings[1] and "Fix the CI" in headings[1]


def test_the_list_groups_items_by_owner(reader, owner, teammate, january, march):
    make_item("Write the release notes", march, owners=[owner])
    make_item("Review the docs", march, owners=[teammate])
    make_item("Arrange meetings", january, owners=[owner])

    html = page(reader.get("/items/", {"group": "owner"}))

    headings = html.split('class="group-heading"')[1:]
    assert [">MariaP<" in h for h in headings] == [True, False]
    maria, tom = headings
    assert maria.index("Write the release notes") < maria.index("Arrange meetings")
    assert "Review the docs" in tom and "Arrange meetings" not in tom


def test_owners_written_in_other_cases_are_one_group(reader, owner, january, march):
    make_item("Vote on the logo", march, owners=["All"])
    make_item("Read the RFC", january, owners=["all"])

    html = page(reader.get("/items/", {"group": "owner", "owner": "all"}))

    [heading] = html.split('class="group-heading"')[1:]
    assert "Vote on the logo" in heading and "Read the RFC" in heading


def test_a_group_that_is_not_offered_is_an_invalid_filter(reader, january):
    make_item("Arrange meetings", january)

    html = page(reader.get("/items/", {"group": "moon"}))

    assert "These filters cannot be used" in html
